//! Secrets (host secret, resume tokens, room passwords) are stored only as salted SHA-256 digests.

use sha2::{Digest, Sha256};

/// Digest of a secret, scoped to a purpose and a room so digests cannot be replayed elsewhere.
pub fn digest(purpose: &str, room_code: &str, secret: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"tandem\0");
    h.update(purpose.as_bytes());
    h.update(b"\0");
    h.update(room_code.as_bytes());
    h.update(b"\0");
    h.update(secret.as_bytes());
    hex::encode(h.finalize())
}

/// Compare two digests without an early exit.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}
