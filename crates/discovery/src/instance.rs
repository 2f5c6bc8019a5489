//! The DNS-SD instance name of a room: readable, unique per code, within one DNS label.

use crate::txt::{MAX_CODE_LEN, is_forbidden_char};

/// The most bytes of a DNS-SD instance name: one DNS label (RFC 6763 §4.1.1).
pub const MAX_INSTANCE_BYTES: usize = 63;

/// The name a room with no printable name gets.
const FALLBACK_NAME: &str = "Tandem room";

/// The instance name a room is announced under: `"<room name> (<code>)"`, e.g.
/// `"Friday jazz (K7QM2D)"`.
///
/// The code makes it unique among rooms with the same name. The name is sanitised so that
/// every DNS-SD implementation shows it as is: control and bidirectional-override characters,
/// dots and backslashes (which DNS-SD would have to escape) and runs of whitespace become one
/// space, the ends are trimmed, and it is cut at a character boundary so that the whole fits
/// in [`MAX_INSTANCE_BYTES`]; a name with nothing left becomes `"Tandem room"`. The code keeps
/// only its ASCII letters and digits (at most 12). Browsers read the room's real name from the
/// TXT record, so this only matters to generic DNS-SD tools.
pub fn instance_name(room_name: &str, code: &str) -> String {
    let code: String = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(MAX_CODE_LEN)
        .collect();
    let suffix = if code.is_empty() {
        String::new()
    } else {
        format!(" ({code})")
    };

    let mut name = String::with_capacity(room_name.len().min(MAX_INSTANCE_BYTES));
    let mut space = false;
    for c in room_name.chars() {
        if c.is_whitespace() || is_forbidden_char(c) || c == '.' || c == '\\' {
            space = !name.is_empty();
            continue;
        }
        if space {
            name.push(' ');
            space = false;
        }
        name.push(c);
    }

    let budget = MAX_INSTANCE_BYTES - suffix.len();
    if name.len() > budget {
        let mut end = budget;
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        name.truncate(end);
        // A cut can leave a trailing space or a zero-width joiner with nothing to join.
        let kept = name.trim_end_matches(|c: char| c.is_whitespace() || c == '\u{200D}');
        name.truncate(kept.len());
    }
    if name.is_empty() {
        name.push_str(FALLBACK_NAME);
    }
    name + &suffix
}
