//! Validation of the free text members send: names, chat, song metadata.

use crate::error::RoomError;

pub const MAX_DISPLAY_NAME: usize = 40;
pub const MAX_ROOM_NAME: usize = 60;
pub const MAX_PASSWORD: usize = 128;
pub const MAX_CHAT: usize = 1000;
pub const MAX_META: usize = 200;

/// Trim `value` and check it is 1..=`max` characters with no control characters.
///
/// # Errors
/// `invalid-field` naming `field` when empty, too long or containing control characters.
pub fn required(field: &str, value: &str, max: usize) -> Result<String, RoomError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(RoomError::invalid(format!("{field} must not be empty")));
    }
    check(field, value, max)?;
    Ok(value.to_owned())
}

/// Like [`required`] for an optional field; an empty string counts as absent.
///
/// # Errors
/// As [`required`].
pub fn optional(field: &str, value: Option<&str>, max: usize) -> Result<Option<String>, RoomError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => check(field, v, max).map(|()| Some(v.to_owned())),
    }
}

fn check(field: &str, value: &str, max: usize) -> Result<(), RoomError> {
    if value.chars().count() > max {
        return Err(RoomError::invalid(format!(
            "{field} must be at most {max} characters"
        )));
    }
    // Newlines are fine in chat; other control characters never are.
    if value.chars().any(|c| c.is_control() && c != '\n') {
        return Err(RoomError::invalid(format!(
            "{field} must not contain control characters"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_bounds() {
        assert_eq!(required("name", "  Ada ", 40).as_deref(), Ok("Ada"));
        assert!(required("name", "   ", 40).is_err());
        assert!(required("name", &"x".repeat(41), 40).is_err());
        assert!(required("name", "a\u{0}b", 40).is_err());
        assert_eq!(optional("artist", Some(" "), 5), Ok(None));
        assert!(optional("artist", Some("toolong"), 5).is_err());
    }
}
