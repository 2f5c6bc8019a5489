//! Decoding a client frame into a [`ClientMessage`], with a precise error code for each failure.

use serde::Deserialize;

use super::client::ClientMessage;
use crate::error::{ErrorCode, RoomError};

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "type", borrow, default)]
    ty: Option<std::borrow::Cow<'a, str>>,
}

/// Decode one text frame.
///
/// # Errors
/// `malformed-json` when the frame is not JSON, `missing-type` without a string `type`,
/// `unknown-type` for a type this server does not know, `invalid-field` for a missing or
/// wrong-typed field (the message names it). The error carries the request type when known.
pub fn decode_client(text: &str) -> Result<ClientMessage, (RoomError, Option<String>)> {
    let envelope: Envelope<'_> = match serde_json::from_str(text) {
        Ok(e) => e,
        Err(e) if e.is_data() => {
            return Err((
                RoomError::new(
                    ErrorCode::MissingType,
                    "a message must be a JSON object with a string \"type\"",
                ),
                None,
            ));
        }
        Err(e) => {
            return Err((
                RoomError::new(ErrorCode::MalformedJson, format!("not valid JSON: {e}")),
                None,
            ));
        }
    };
    let Some(ty) = envelope.ty else {
        return Err((
            RoomError::new(
                ErrorCode::MissingType,
                "a message must have a string \"type\"",
            ),
            None,
        ));
    };
    if !ClientMessage::TYPES.contains(&ty.as_ref()) {
        let shown: String = ty.chars().take(40).collect();
        return Err((
            RoomError::new(
                ErrorCode::UnknownType,
                format!("unknown message type {shown:?}"),
            ),
            None,
        ));
    }
    serde_json::from_str(text).map_err(|e| {
        (
            RoomError::invalid(format!("bad {ty}: {e}")),
            Some(ty.into_owned()),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> ErrorCode {
        decode_client(text).expect_err(text).0.code
    }

    #[test]
    fn each_failure_has_its_code() {
        assert_eq!(code("{not json"), ErrorCode::MalformedJson);
        assert_eq!(code(""), ErrorCode::MalformedJson);
        assert_eq!(code("[1,2]"), ErrorCode::MissingType);
        assert_eq!(code("{\"x\":1}"), ErrorCode::MissingType);
        assert_eq!(code("{\"type\":7}"), ErrorCode::MissingType);
        assert_eq!(
            code("{\"type\":\"launch-missiles\"}"),
            ErrorCode::UnknownType
        );
        assert_eq!(
            code("{\"type\":\"seek-playback\"}"),
            ErrorCode::InvalidField
        );
        assert_eq!(
            code("{\"type\":\"seek-playback\",\"positionUs\":\"ten\"}"),
            ErrorCode::InvalidField
        );
        assert_eq!(
            code("{\"type\":\"seek-playback\",\"positionUs\":1.5}"),
            ErrorCode::InvalidField
        );
    }

    #[test]
    fn good_frames_decode_and_extra_fields_are_ignored() {
        assert_eq!(
            decode_client("{\"type\":\"seek-playback\",\"positionUs\":5000000,\"extra\":true}"),
            Ok(ClientMessage::SeekPlayback {
                position_us: 5_000_000
            })
        );
        assert_eq!(
            decode_client("{\"type\":\"pause-playback\"}"),
            Ok(ClientMessage::PausePlayback {})
        );
    }
}
