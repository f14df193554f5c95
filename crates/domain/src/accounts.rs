//! Accounts: usernames, passwords (argon2id) and the roles a user holds.

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::{Deserialize, Serialize};

use crate::Id;
use crate::validation::{Checker, Invalid};

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 256;

/// A role with its scope (DESIGN.md, "Who uses it").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum Role {
    Admin,
    /// Secretariat of one body (a user may hold several).
    Secretariat {
        body: Id,
    },
    /// Host of one event; `participant` is the event's host, so the host's ministry can be recognised.
    Host {
        event: Id,
        participant: Id,
    },
    /// A participant's foreign ministry, across events and bodies.
    Ministry {
        participant: Id,
    },
    /// The accreditation officer of one participant's delegation at one event.
    AccreditationOfficer {
        event: Id,
        participant: Id,
    },
    /// Accredited media at one event.
    Press {
        event: Id,
    },
}

impl Role {
    pub fn name(&self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Secretariat { .. } => "secretariat",
            Role::Host { .. } => "host",
            Role::Ministry { .. } => "ministry",
            Role::AccreditationOfficer { .. } => "accreditation_officer",
            Role::Press { .. } => "press",
        }
    }
}

/// Usernames: 3 to 64 lower-case ASCII letters, digits, `-`, `_` or `.`.
pub fn check_username(checker: &mut Checker, username: &str) {
    let ok = (3..=64).contains(&username.len())
        && username.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b));
    if !ok {
        checker.fail("username", "invalid-username");
    }
}

pub fn check_password(checker: &mut Checker, field: &str, password: &str) {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        checker.fail_with(field, "password-too-short", vec![("min", MIN_PASSWORD_CHARS.to_string())]);
    } else if n > MAX_PASSWORD_CHARS {
        checker.fail_with(field, "too-long", vec![("max", MAX_PASSWORD_CHARS.to_string())]);
    }
}

/// A new password for an account, checked.
pub fn validate_new_password(password: &str) -> Result<(), Invalid> {
    let mut c = Checker::new();
    check_password(&mut c, "new_password", password);
    c.finish(())
}

/// A new random secret (session, CSRF or API token): 32 bytes from the OS, hex-encoded.
pub fn new_secret() -> String {
    use argon2::password_hash::rand_core::RngCore;
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An argon2id hash in PHC string form.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).expect("argon2 accepts any password").to_string()
}

/// Whether `password` matches a stored PHC hash; a malformed hash matches nothing.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hashed_with_argon2id_and_verified() {
        let hash = hash_password("concord-demo");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("concord-demo", &hash));
        assert!(!verify_password("concord-demx", &hash));
        assert!(!verify_password("concord-demo", "not a hash"));
    }

    #[test]
    fn usernames_are_plain() {
        for good in ["admin", "delegation-kz", "a.b_c"] {
            let mut c = Checker::new();
            check_username(&mut c, good);
            assert!(c.is_ok(), "{good}");
        }
        for bad in ["ab", "Admin", "user name", "пользователь", ""] {
            let mut c = Checker::new();
            check_username(&mut c, bad);
            assert!(!c.is_ok(), "{bad}");
        }
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(validate_new_password("short").is_err());
        assert!(validate_new_password("long enough").is_ok());
    }
}
