//! Where a song comes from, and turning whatever a user pasted into a canonical source.
//!
//! Accepted: YouTube watch/short/embed/music links and bare 11-character video ids; Spotify track
//! links (`open.spotify.com/track/...`, with or without an `intl-xx` segment) and `spotify:track:`
//! URIs; local files published by a member (SHA-256 content hash plus codec). Anything else is
//! rejected with [`ErrorCode::UnsupportedSource`].

use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::{ErrorCode, RoomError};

/// Codecs a shared local file may have (what the audio engine decodes).
pub const LOCAL_CODECS: &[&str] = &["mp3", "flac", "vorbis", "opus", "wav", "aac", "alac"];

/// A canonical, validated song source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum SongSource {
    #[serde(rename_all = "camelCase")]
    Youtube { video_id: String },
    #[serde(rename_all = "camelCase")]
    Spotify { track_id: String },
    /// A file on a member's disk, served by content hash; never a path.
    #[serde(rename_all = "camelCase")]
    Local { sha256: String, codec: String },
}

impl SongSource {
    /// A canonical link for display and for the players (`None` for local files).
    pub fn canonical_url(&self) -> Option<String> {
        match self {
            SongSource::Youtube { video_id } => {
                Some(format!("https://www.youtube.com/watch?v={video_id}"))
            }
            SongSource::Spotify { track_id } => {
                Some(format!("https://open.spotify.com/track/{track_id}"))
            }
            SongSource::Local { .. } => None,
        }
    }

    /// Parse a pasted YouTube or Spotify link, URI or bare YouTube id.
    ///
    /// # Errors
    /// [`ErrorCode::UnsupportedSource`] for anything that is not a YouTube video or Spotify track.
    pub fn from_link(input: &str) -> Result<Self, RoomError> {
        let input = input.trim();
        let unsupported = || {
            RoomError::new(
                ErrorCode::UnsupportedSource,
                "not a YouTube video or Spotify track link",
            )
        };
        if input.len() > 2048 {
            return Err(RoomError::invalid("link is longer than 2048 characters"));
        }
        if is_youtube_id(input) {
            return Ok(SongSource::Youtube {
                video_id: input.to_owned(),
            });
        }
        if let Some(id) = input.strip_prefix("spotify:track:") {
            return spotify_id(id).ok_or_else(unsupported);
        }
        let with_scheme;
        let text = if input.contains("://") {
            input
        } else {
            with_scheme = format!("https://{input}");
            &with_scheme
        };
        let url = Url::parse(text).map_err(|_| unsupported())?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(unsupported());
        }
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        let host = host.strip_prefix("www.").unwrap_or(&host);
        let segments: Vec<&str> = url
            .path_segments()
            .map(|s| s.filter(|p| !p.is_empty()).collect())
            .unwrap_or_default();
        match host {
            "youtube.com" | "m.youtube.com" | "music.youtube.com" | "youtube-nocookie.com" => {
                let id = match segments.as_slice() {
                    ["watch"] => url
                        .query_pairs()
                        .find(|(k, _)| k == "v")
                        .map(|(_, v)| v.into_owned()),
                    ["shorts" | "embed" | "live" | "v", id, ..] => Some((*id).to_owned()),
                    _ => None,
                };
                match id {
                    Some(id) if is_youtube_id(&id) => Ok(SongSource::Youtube { video_id: id }),
                    _ => Err(unsupported()),
                }
            }
            "youtu.be" => match segments.as_slice() {
                [id, ..] if is_youtube_id(id) => Ok(SongSource::Youtube {
                    video_id: (*id).to_owned(),
                }),
                _ => Err(unsupported()),
            },
            "open.spotify.com" | "play.spotify.com" => {
                let rest: &[&str] = match segments.as_slice() {
                    [locale, rest @ ..] if locale.starts_with("intl-") => rest,
                    all => all,
                };
                match rest {
                    ["track", id, ..] => spotify_id(id).ok_or_else(unsupported),
                    _ => Err(unsupported()),
                }
            }
            _ => Err(unsupported()),
        }
    }

    /// Validate a local-file entry published by a member.
    ///
    /// # Errors
    /// [`ErrorCode::InvalidField`] for a hash that is not 64 hex digits,
    /// [`ErrorCode::UnsupportedSource`] for a codec outside [`LOCAL_CODECS`].
    pub fn local(sha256: &str, codec: &str) -> Result<Self, RoomError> {
        let hash = sha256.trim().to_ascii_lowercase();
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(RoomError::invalid("sha256 must be 64 hexadecimal digits"));
        }
        let codec = codec.trim().to_ascii_lowercase();
        if !LOCAL_CODECS.contains(&codec.as_str()) {
            return Err(RoomError::new(
                ErrorCode::UnsupportedSource,
                format!("codec must be one of {}", LOCAL_CODECS.join(", ")),
            ));
        }
        Ok(SongSource::Local {
            sha256: hash,
            codec,
        })
    }
}

fn is_youtube_id(s: &str) -> bool {
    s.len() == 11
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn spotify_id(s: &str) -> Option<SongSource> {
    (s.len() == 22 && s.bytes().all(|b| b.is_ascii_alphanumeric())).then(|| SongSource::Spotify {
        track_id: s.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yt(id: &str) -> SongSource {
        SongSource::Youtube {
            video_id: id.into(),
        }
    }

    #[test]
    fn youtube_forms_normalise_to_the_video_id() {
        for link in [
            "dQw4w9WgXcQ",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://youtube.com/watch?feature=share&v=dQw4w9WgXcQ&t=42",
            "youtube.com/watch?v=dQw4w9WgXcQ",
            "https://youtu.be/dQw4w9WgXcQ?si=abc",
            "https://m.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://music.youtube.com/watch?v=dQw4w9WgXcQ&list=RD",
            "https://www.youtube.com/shorts/dQw4w9WgXcQ",
            "https://www.youtube.com/embed/dQw4w9WgXcQ",
            "  https://www.youtube.com/watch?v=dQw4w9WgXcQ  ",
        ] {
            assert_eq!(SongSource::from_link(link), Ok(yt("dQw4w9WgXcQ")), "{link}");
        }
    }

    #[test]
    fn spotify_forms_normalise_to_the_track_id() {
        let want = SongSource::Spotify {
            track_id: "4uLU6hMCjMI75M1A2tKUQC".into(),
        };
        for link in [
            "spotify:track:4uLU6hMCjMI75M1A2tKUQC",
            "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC",
            "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC?si=1234",
            "https://open.spotify.com/intl-de/track/4uLU6hMCjMI75M1A2tKUQC",
        ] {
            assert_eq!(SongSource::from_link(link).as_ref(), Ok(&want), "{link}");
        }
    }

    #[test]
    fn everything_else_is_rejected() {
        for link in [
            "",
            "hello",
            "dQw4w9WgXc",
            "https://evil.example/watch?v=dQw4w9WgXcQ",
            "https://www.youtube.com/watch?v=short",
            "https://www.youtube.com/playlist?list=PL123",
            "https://open.spotify.com/album/4uLU6hMCjMI75M1A2tKUQC",
            "spotify:album:4uLU6hMCjMI75M1A2tKUQC",
            "spotify:track:../../etc/passwd",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "ftp://youtube.com/watch?v=dQw4w9WgXcQ",
        ] {
            let err = SongSource::from_link(link).expect_err(link);
            assert_eq!(err.code, ErrorCode::UnsupportedSource, "{link}");
        }
    }

    #[test]
    fn local_entries_need_a_hash_and_known_codec() {
        let hash = "A".repeat(64);
        assert_eq!(
            SongSource::local(&hash, "FLAC"),
            Ok(SongSource::Local {
                sha256: "a".repeat(64),
                codec: "flac".into()
            })
        );
        assert_eq!(
            SongSource::local("abc", "flac").map_err(|e| e.code),
            Err(ErrorCode::InvalidField)
        );
        assert_eq!(
            SongSource::local(&hash, "exe").map_err(|e| e.code),
            Err(ErrorCode::UnsupportedSource)
        );
    }
}
