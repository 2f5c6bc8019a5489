//! PKCE (RFC 7636) with S256, and the `state` that ties a callback to its login.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::error::SpotifyError;
use crate::secret::Secret;

/// A code verifier and its S256 challenge.
#[derive(Debug, Clone)]
pub struct Pkce {
    verifier: Secret,
    challenge: String,
}

impl Pkce {
    /// A fresh verifier: 48 random bytes as unpadded base64url, i.e. 64 characters of the
    /// unreserved set (RFC 7636 allows 43-128).
    ///
    /// # Errors
    /// The OS has no randomness to give.
    pub fn new() -> Result<Self, SpotifyError> {
        let verifier = URL_SAFE_NO_PAD.encode(random::<48>()?);
        let challenge = challenge_for(&verifier);
        Ok(Self {
            verifier: Secret::new(verifier),
            challenge,
        })
    }

    pub fn verifier(&self) -> &Secret {
        &self.verifier
    }

    /// `BASE64URL(SHA256(verifier))`, sent with the authorize request.
    pub fn challenge(&self) -> &str {
        &self.challenge
    }
}

/// The S256 challenge of `verifier`.
pub fn challenge_for(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A fresh `state`: 16 random bytes in hex.
///
/// # Errors
/// The OS has no randomness to give.
pub fn random_state() -> Result<String, SpotifyError> {
    Ok(hex::encode(random::<16>()?))
}

fn random<const N: usize>() -> Result<[u8; N], SpotifyError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| SpotifyError::Config(format!("no randomness: {e}")))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_vector() {
        assert_eq!(
            challenge_for("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifiers_are_fresh_and_well_formed() -> Result<(), SpotifyError> {
        let a = Pkce::new()?;
        let b = Pkce::new()?;
        assert_ne!(a.verifier(), b.verifier());
        let v = a.verifier().expose();
        assert_eq!(v.len(), 64);
        assert!(
            v.bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
        assert_eq!(a.challenge(), challenge_for(v));
        assert_eq!(random_state()?.len(), 32);
        Ok(())
    }
}
