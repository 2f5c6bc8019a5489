//! The account's tokens and where they are kept: the OS keychain ([`KeyringStore`]: Secret
//! Service on Linux, Keychain on macOS, Credential Manager on Windows), or memory
//! ([`MemoryStore`], for tests and for a machine without a keychain).

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::error::SpotifyError;
use crate::secret::Secret;

/// An access token, the refresh token that renews it, and when it expires (wall clock: tokens
/// outlive the process).
#[derive(Clone, PartialEq, Eq)]
pub struct Tokens {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    /// When it was obtained, ms since the Unix epoch.
    pub obtained_at_unix_ms: i64,
    /// When the access token expires, ms since the Unix epoch.
    pub expires_at_unix_ms: i64,
    /// The scopes granted, space separated.
    pub scope: String,
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokens")
            .field("access_token", &self.access_token)
            .field("refresh_token", &self.refresh_token)
            .field("expires_at_unix_ms", &self.expires_at_unix_ms)
            .field("scope", &self.scope)
            .finish()
    }
}

impl Tokens {
    /// Tokens just obtained, the access token valid for `expires_in`.
    pub fn new(
        access_token: Secret,
        refresh_token: Option<Secret>,
        expires_in: Duration,
        scope: String,
    ) -> Self {
        let now = unix_ms_now();
        let lifetime = i64::try_from(expires_in.as_millis()).unwrap_or(i64::MAX / 4);
        Self {
            access_token,
            refresh_token,
            obtained_at_unix_ms: now,
            expires_at_unix_ms: now.saturating_add(lifetime),
            scope,
        }
    }

    /// Whether the access token should be renewed before use: it expires within a minute (or
    /// within a quarter of its lifetime, for short-lived ones).
    pub fn needs_refresh(&self) -> bool {
        let lifetime = self.expires_at_unix_ms - self.obtained_at_unix_ms;
        let margin = (lifetime / 4).clamp(0, 60_000);
        unix_ms_now() >= self.expires_at_unix_ms - margin
    }
}

pub(crate) fn unix_ms_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX / 4))
}

/// Where the tokens live between runs. Calls may block briefly (the keychain is a D-Bus or XPC
/// call away): the engine calls them off the async threads.
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// The saved tokens, if any.
    ///
    /// # Errors
    /// The store could not be read.
    fn load(&self) -> Result<Option<Tokens>, SpotifyError>;
    /// Replaces the saved tokens.
    ///
    /// # Errors
    /// The store could not be written.
    fn save(&self, tokens: &Tokens) -> Result<(), SpotifyError>;
    /// Forgets them (disconnect). Clearing an empty store is not an error.
    ///
    /// # Errors
    /// The store could not be written.
    fn clear(&self) -> Result<(), SpotifyError>;
}

/// The form kept in a store: only here do the secrets become plain strings.
#[derive(Serialize, Deserialize)]
struct Stored {
    access_token: String,
    refresh_token: Option<String>,
    obtained_at_unix_ms: i64,
    expires_at_unix_ms: i64,
    scope: String,
}

impl Stored {
    fn of(t: &Tokens) -> Self {
        Self {
            access_token: t.access_token.expose().to_owned(),
            refresh_token: t.refresh_token.as_ref().map(|r| r.expose().to_owned()),
            obtained_at_unix_ms: t.obtained_at_unix_ms,
            expires_at_unix_ms: t.expires_at_unix_ms,
            scope: t.scope.clone(),
        }
    }

    fn into_tokens(self) -> Tokens {
        Tokens {
            access_token: Secret::new(self.access_token),
            refresh_token: self.refresh_token.map(Secret::new),
            obtained_at_unix_ms: self.obtained_at_unix_ms,
            expires_at_unix_ms: self.expires_at_unix_ms,
            scope: self.scope,
        }
    }
}

/// The OS keychain, one entry per client id (service `tandem-spotify`), holding the tokens as
/// JSON.
#[derive(Debug, Clone)]
pub struct KeyringStore {
    service: String,
    user: String,
}

impl KeyringStore {
    pub const SERVICE: &'static str = "tandem-spotify";

    /// The entry for `client_id`'s tokens.
    pub fn new(client_id: &str) -> Self {
        Self {
            service: Self::SERVICE.to_owned(),
            user: client_id.to_owned(),
        }
    }

    fn entry(&self) -> Result<keyring::Entry, SpotifyError> {
        keyring::Entry::new(&self.service, &self.user).map_err(keychain)
    }
}

/// A keychain error, named without any of the entry's content.
fn keychain(e: keyring::Error) -> SpotifyError {
    let what = match e {
        keyring::Error::PlatformFailure(_) | keyring::Error::NoStorageAccess(_) => {
            "the keychain is not available (on Linux, a Secret Service such as GNOME Keyring or KWallet must be running)"
        }
        keyring::Error::BadEncoding(_) => "the saved entry is damaged",
        keyring::Error::TooLong(..) | keyring::Error::Invalid(..) => "the entry was refused",
        keyring::Error::Ambiguous(_) => "several entries match",
        keyring::Error::NoEntry => "no entry",
        _ => "keychain failure",
    };
    SpotifyError::Keychain(what.to_owned())
}

impl TokenStore for KeyringStore {
    fn load(&self) -> Result<Option<Tokens>, SpotifyError> {
        match self.entry()?.get_password() {
            Ok(json) => serde_json::from_str::<Stored>(&json)
                .map(|s| Some(s.into_tokens()))
                .map_err(|_| SpotifyError::Keychain("the saved entry is damaged".to_owned())),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keychain(e)),
        }
    }

    fn save(&self, tokens: &Tokens) -> Result<(), SpotifyError> {
        let json = serde_json::to_string(&Stored::of(tokens))
            .map_err(|_| SpotifyError::Keychain("could not encode the entry".to_owned()))?;
        self.entry()?.set_password(&json).map_err(keychain)
    }

    fn clear(&self) -> Result<(), SpotifyError> {
        match self.entry()?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keychain(e)),
        }
    }
}

/// Tokens in memory only (tests; a machine without a keychain keeps the login for the run).
/// Clones share the same slot.
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    slot: Arc<Mutex<Option<Tokens>>>,
    saves: Arc<Mutex<u64>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// What is stored now.
    pub fn get(&self) -> Option<Tokens> {
        self.slot
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// How many times tokens were saved.
    pub fn saves(&self) -> u64 {
        *self.saves.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl TokenStore for MemoryStore {
    fn load(&self) -> Result<Option<Tokens>, SpotifyError> {
        Ok(self.get())
    }

    fn save(&self, tokens: &Tokens) -> Result<(), SpotifyError> {
        *self.slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(tokens.clone());
        *self.saves.lock().unwrap_or_else(PoisonError::into_inner) += 1;
        Ok(())
    }

    fn clear(&self) -> Result<(), SpotifyError> {
        *self.slot.lock().unwrap_or_else(PoisonError::into_inner) = None;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_form_round_trips_and_debug_is_redacted() {
        let t = Tokens::new(
            Secret::new("access-abc"),
            Some(Secret::new("refresh-xyz")),
            Duration::from_secs(3600),
            "user-read-private".to_owned(),
        );
        let back = Stored::of(&t).into_tokens();
        assert_eq!(back, t);
        let debug = format!("{t:?}");
        assert!(
            !debug.contains("access-abc") && !debug.contains("refresh-xyz"),
            "{debug}"
        );
        assert!(!t.needs_refresh());
        let short = Tokens::new(Secret::new("a"), None, Duration::ZERO, String::new());
        assert!(short.needs_refresh());
    }

    #[test]
    fn memory_store_keeps_and_clears() -> Result<(), SpotifyError> {
        let s = MemoryStore::new();
        assert_eq!(s.load()?, None);
        let t = Tokens::new(
            Secret::new("a"),
            None,
            Duration::from_secs(60),
            String::new(),
        );
        s.save(&t)?;
        assert_eq!(s.clone().load()?, Some(t));
        s.clear()?;
        s.clear()?;
        assert_eq!(s.load()?, None);
        assert_eq!(s.saves(), 1);
        Ok(())
    }
}
