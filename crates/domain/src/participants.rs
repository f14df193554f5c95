//! Participants: the states and international organisations that are members of bodies and send
//! delegations.

use serde::{Deserialize, Serialize};

use crate::text::CaseForms;
use crate::validation::{Checker, Invalid, check_time_zone};
use crate::{Id, Text};

/// The officially assigned ISO 3166-1 alpha-2 codes.
const ISO_3166_ALPHA2: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS \
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO \
FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG \
KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY \
MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI \
SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU \
WF WS YE YT ZA ZM ZW";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParticipantKind {
    State,
    Organisation,
}

impl ParticipantKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::State => "state",
            Self::Organisation => "organisation",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "state" => Some(Self::State),
            "organisation" => Some(Self::Organisation),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub id: Id,
    /// ISO 3166 alpha-2 for a state (`KZ`); three to ten capitals for an organisation (`CIS`).
    pub code: String,
    pub kind: ParticipantKind,
    /// "Kazakhstan", «Казахстан»: what lists are sorted by.
    pub short_name: Text,
    /// "the Republic of Kazakhstan", «Республика Казахстан».
    pub formal_name: Text,
    #[serde(default)]
    pub cases: NameCases,
    pub time_zone: String,
    pub version: i64,
}

/// The participant a code names, as people type it (any case, spaces around).
pub fn by_code<'a>(participants: &'a [Participant], code: &str) -> Option<&'a Participant> {
    let code = code.trim().to_ascii_uppercase();
    participants.iter().find(|p| p.code == code)
}

/// The case forms of a participant's names, for sentences built around them: «Министерство
/// иностранных дел Республики Казахстан», «делегация Казахстана».
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameCases {
    #[serde(default)]
    pub short_name: CaseForms,
    #[serde(default)]
    pub formal_name: CaseForms,
}

/// What a new participant needs; checked by [`NewParticipant::validate`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewParticipant {
    pub code: String,
    pub kind: ParticipantKind,
    pub short_name: Text,
    pub formal_name: Text,
    #[serde(default)]
    pub cases: NameCases,
    pub time_zone: String,
}

impl NewParticipant {
    pub fn validate(self) -> Result<NewParticipant, Invalid> {
        let mut c = Checker::new();
        let code = self.code.trim().to_string();
        let code_ok = match self.kind {
            ParticipantKind::State => is_iso_3166_alpha2(&code),
            ParticipantKind::Organisation => {
                (3..=10).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_uppercase())
            }
        };
        if !code_ok {
            c.fail_with("code", "invalid-participant-code", vec![("value", code.chars().take(16).collect())]);
        }
        let short_name = self.short_name.checked(&mut c, "short_name", 100);
        let formal_name = self.formal_name.checked(&mut c, "formal_name", 200);
        let cases = NameCases {
            short_name: self.cases.short_name.checked(&mut c, "cases.short_name", 100),
            formal_name: self.cases.formal_name.checked(&mut c, "cases.formal_name", 200),
        };
        check_time_zone(&mut c, "time_zone", &self.time_zone);
        c.finish(NewParticipant { code, kind: self.kind, short_name, formal_name, cases, time_zone: self.time_zone })
    }
}

/// Every assigned ISO 3166-1 alpha-2 code, in alphabetical order.
pub fn iso_3166_alpha2() -> impl Iterator<Item = &'static str> {
    ISO_3166_ALPHA2.split(' ')
}

pub fn is_iso_3166_alpha2(code: &str) -> bool {
    code.len() == 2 && ISO_3166_ALPHA2.split(' ').any(|c| c == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(code: &str, kind: ParticipantKind, tz: &str) -> NewParticipant {
        NewParticipant {
            code: code.into(),
            kind,
            short_name: Text::new(&[("en", "X")]),
            formal_name: Text::new(&[("en", "X")]),
            cases: NameCases::default(),
            time_zone: tz.into(),
        }
    }

    #[test]
    fn states_need_an_assigned_iso_code() {
        assert!(new("KZ", ParticipantKind::State, "Asia/Almaty").validate().is_ok());
        for bad in ["XX", "kz", "KAZ", "", "K"] {
            let err = new(bad, ParticipantKind::State, "Asia/Almaty").validate().unwrap_err();
            assert_eq!(err.0[0].field, "code", "{bad}");
        }
    }

    #[test]
    fn organisations_have_codes_of_their_own() {
        assert!(new("CIS", ParticipantKind::Organisation, "Europe/Minsk").validate().is_ok());
        assert!(new("cis", ParticipantKind::Organisation, "Europe/Minsk").validate().is_err());
    }

    #[test]
    fn a_participant_needs_a_real_time_zone() {
        let err = new("KZ", ParticipantKind::State, "Asia/Nowhere").validate().unwrap_err();
        assert_eq!(err.0[0].code, "unknown-time-zone");
    }
}
