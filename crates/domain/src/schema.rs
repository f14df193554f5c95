//! JSON Schemas, for the API's OpenAPI document, of the types the input holds whose own crates
//! give none: jiff's times travel as the strings serde writes for them.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

/// A string schema named for the jiff type it stands for, of a standard format where one fits.
macro_rules! string_schema {
    ($name:ident, $description:literal $(, format: $format:literal)?) => {
        #[doc = $description]
        pub struct $name;

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn inline_schema() -> bool {
                true
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({ "type": "string", $("format": $format,)? "description": $description })
            }
        }
    };
}

string_schema!(Timestamp, "An instant, RFC 3339 with its offset: 2025-04-11T10:00:00+05:00.", format: "date-time");
string_schema!(Date, "A calendar day: 2025-04-11.", format: "date");
// JSON Schema's `date-time` and `time` need an offset, which times on the event's clocks lack.
string_schema!(DateTime, "A day and time on the event's clocks: 2025-04-11T10:00 (seconds optional).");
string_schema!(Time, "A time of day on the event's clocks: 10:00 (seconds optional).");
