//! JSON Schemas, for the API's OpenAPI document, of the types the input holds whose own crates
//! give none: jiff's times travel as the strings serde writes for them.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

/// A string schema, of a standard format where one fits, named for the jiff type it stands for.
macro_rules! formatted {
    ($name:ident, $format:literal, $description:literal) => {
        formatted!($name, { "type": "string", "format": $format, "description": $description }, $description);
    };
    ($name:ident, $schema:tt, $description:literal) => {
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
                json_schema!($schema)
            }
        }
    };
}

formatted!(Timestamp, "date-time", "An instant, RFC 3339 with its offset: 2025-04-11T10:00:00+05:00.");
formatted!(Date, "date", "A calendar day: 2025-04-11.");
// JSON Schema's `date-time` needs an offset; a time in the event's time zone has none.
formatted!(
    DateTime,
    { "type": "string", "description": "A day and time in the event's time zone: 2025-04-11T10:00." },
    "A day and time in the event's time zone: 2025-04-11T10:00."
);
// JSON Schema's `time` has seconds and an offset; a time of day here has neither.
formatted!(Time, { "type": "string", "description": "A time of day: 10:00." }, "A time of day: 10:00.");
