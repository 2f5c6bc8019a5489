//! A string that must never be printed: tokens, refresh tokens, authorization codes, PKCE
//! verifiers. Its `Debug` says only that it is redacted; it has no `Display` and no `Serialize`,
//! so it cannot end up in a log line or a view by accident. Reading it takes an explicit
//! [`Secret::expose`], done only where it goes on the wire to Spotify or into the keychain.

use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for the request that sends it to Spotify or the keychain entry that keeps it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = Secret::new("BQD-very-secret");
        assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
        assert_eq!(
            format!("{:#?}", Some(&s)),
            "Some(\n    Secret(<redacted>),\n)"
        );
        assert_eq!(s.expose(), "BQD-very-secret");
    }
}
