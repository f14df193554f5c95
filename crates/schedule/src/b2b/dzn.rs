//! The subset of MiniZinc data (`.dzn`) the benchmark files use: `name = value;` items whose
//! values are integers, sets of integers, one-dimensional arrays of either, and two-dimensional
//! arrays written `[| a, b | c, d |]`. `%` starts a comment that runs to the end of the line.

use super::ParseError;

/// A right-hand side, as written.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
    Int(i64),
    Set(Vec<i64>),
    Array(Vec<Value>),
    Matrix(Vec<Vec<i64>>),
}

/// One `name = value;` item with the line its name stands on.
#[derive(Debug)]
pub(super) struct Item {
    pub name: String,
    pub line: usize,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Int(i64),
    Punct(char),
    Range,
}

fn tokenize(text: &str) -> Result<Vec<(Tok, usize)>, ParseError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let code = raw.split('%').next().unwrap_or("");
        let bytes = code.as_bytes();
        let mut p = 0;
        while p < bytes.len() {
            let c = bytes[p] as char;
            if c.is_ascii_whitespace() {
                p += 1;
            } else if c.is_ascii_alphabetic() || c == '_' {
                let start = p;
                while p < bytes.len() && (bytes[p].is_ascii_alphanumeric() || bytes[p] == b'_') {
                    p += 1;
                }
                out.push((Tok::Ident(code[start..p].to_string()), line));
            } else if c.is_ascii_digit() || (c == '-' && bytes.get(p + 1).is_some_and(u8::is_ascii_digit)) {
                let start = p;
                p += 1;
                while p < bytes.len() && bytes[p].is_ascii_digit() {
                    p += 1;
                }
                let n = code[start..p].parse().map_err(|_| ParseError::Syntax {
                    line,
                    message: format!("integer `{}` out of range", &code[start..p]),
                })?;
                out.push((Tok::Int(n), line));
            } else if c == '.' && bytes.get(p + 1) == Some(&b'.') {
                out.push((Tok::Range, line));
                p += 2;
            } else if "=;[]{}|,".contains(c) {
                out.push((Tok::Punct(c), line));
                p += 1;
            } else {
                return Err(ParseError::Syntax { line, message: format!("unexpected character `{c}`") });
            }
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    last_line: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }

    fn line(&self) -> usize {
        self.toks.get(self.pos).map_or(self.last_line, |(_, l)| *l)
    }

    fn error(&self, message: impl Into<String>) -> ParseError {
        ParseError::Syntax { line: self.line(), message: message.into() }
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).map(|(t, _)| t.clone());
        self.pos += 1;
        t
    }

    fn expect(&mut self, c: char) -> Result<(), ParseError> {
        if self.peek() == Some(&Tok::Punct(c)) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(format!("expected `{c}`")))
        }
    }

    fn eat(&mut self, c: char) -> bool {
        let hit = self.peek() == Some(&Tok::Punct(c));
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn int(&mut self) -> Result<i64, ParseError> {
        match self.peek() {
            Some(Tok::Int(n)) => {
                let n = *n;
                self.pos += 1;
                Ok(n)
            }
            _ => Err(self.error("expected an integer")),
        }
    }

    fn set(&mut self) -> Result<Vec<i64>, ParseError> {
        self.expect('{')?;
        let mut out = Vec::new();
        if self.eat('}') {
            return Ok(out);
        }
        loop {
            let lo = self.int()?;
            if self.peek() == Some(&Tok::Range) {
                self.pos += 1;
                let hi = self.int()?;
                out.extend(lo..=hi);
            } else {
                out.push(lo);
            }
            if self.eat('}') {
                return Ok(out);
            }
            self.expect(',')?;
        }
    }

    fn value(&mut self) -> Result<Value, ParseError> {
        match self.peek() {
            Some(Tok::Int(_)) => Ok(Value::Int(self.int()?)),
            Some(Tok::Punct('{')) => Ok(Value::Set(self.set()?)),
            Some(Tok::Punct('[')) => {
                self.pos += 1;
                if self.peek() == Some(&Tok::Punct('|')) {
                    self.matrix()
                } else {
                    let mut items = Vec::new();
                    while !self.eat(']') {
                        items.push(self.value()?);
                        if !self.eat(',') {
                            self.expect(']')?;
                            break;
                        }
                    }
                    Ok(Value::Array(items))
                }
            }
            _ => Err(self.error("expected a value")),
        }
    }

    /// After `[`: rows start with `|`; the last `|` is followed by `]`. Trailing commas are
    /// tolerated because the benchmark files write `|1, 8,3, ` rows.
    fn matrix(&mut self) -> Result<Value, ParseError> {
        let mut rows = Vec::new();
        self.expect('|')?;
        loop {
            if self.eat(']') {
                return Ok(Value::Matrix(rows));
            }
            let mut row = Vec::new();
            while let Some(Tok::Int(_)) = self.peek() {
                row.push(self.int()?);
                if !self.eat(',') {
                    break;
                }
            }
            rows.push(row);
            self.expect('|')?;
        }
    }
}

/// Splits `text` into its items, in file order.
pub(super) fn items(text: &str) -> Result<Vec<Item>, ParseError> {
    let toks = tokenize(text)?;
    let last_line = toks.last().map_or(1, |(_, l)| *l);
    let mut p = Parser { toks, pos: 0, last_line };
    let mut out = Vec::new();
    while p.peek().is_some() {
        let line = p.line();
        let name = match p.next() {
            Some(Tok::Ident(name)) => name,
            _ => {
                return Err(ParseError::Syntax { line, message: "expected a field name".into() });
            }
        };
        p.expect('=')?;
        let value = p.value()?;
        p.expect(';')?;
        out.push(Item { name, line, value });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_value_shape() {
        let items = items("a = 3; % note\nb = [|1, 2,3, \n|4,5,6, \n|];\nc = [{0,2},{}, {1..3}];\nd = [0,1];").unwrap();
        assert_eq!(items[0].value, Value::Int(3));
        assert_eq!(items[1].value, Value::Matrix(vec![vec![1, 2, 3], vec![4, 5, 6]]));
        assert_eq!(
            items[2].value,
            Value::Array(vec![Value::Set(vec![0, 2]), Value::Set(vec![]), Value::Set(vec![1, 2, 3])])
        );
        assert_eq!(items[3].value, Value::Array(vec![Value::Int(0), Value::Int(1)]));
        assert_eq!(items[2].line, 5);
    }

    #[test]
    fn reports_the_line_of_a_syntax_error() {
        let err = items("a = 3;\nb = [1, 2;\n").unwrap_err();
        assert!(matches!(err, ParseError::Syntax { line: 2, .. }), "{err}");
    }
}
