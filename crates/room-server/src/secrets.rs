//! Fresh random secrets and room codes, from the operating system's generator.

/// Room codes use an alphabet without look-alikes (no 0/O, 1/I/L), six characters: 31^6 ≈ 10^9.
const CODE_ALPHABET: &[u8; 31] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
pub const CODE_LEN: usize = 6;

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    // The OS generator failing is not something a server can carry on without.
    if let Err(e) = getrandom::fill(&mut buf) {
        panic!("the operating system's random generator failed: {e}");
    }
    buf
}

/// A 128-bit token as 32 hex digits (resume tokens, host secrets).
pub fn token() -> String {
    random_bytes::<16>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A fresh room code such as `K7QM2D`.
pub fn room_code() -> String {
    random_bytes::<CODE_LEN>()
        .iter()
        .map(|b| char::from(CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()]))
        .collect()
}

/// What a person typed as a code, normalised: upper case, without spaces or dashes.
pub fn normalise_code(input: &str) -> String {
    input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .take(32)
        .collect()
}
