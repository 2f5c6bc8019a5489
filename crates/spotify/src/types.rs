//! The parts of the Web API's JSON that Tandem reads (serde ignores the rest), and what the app
//! gets from them.

use serde::{Deserialize, Serialize};

/// A Spotify Connect device (`GET /me/player/devices`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Device {
    /// Absent for some restricted devices.
    pub id: Option<String>,
    pub name: String,
    /// "Computer", "Smartphone", "Speaker", ...
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub is_active: bool,
    /// Cannot be controlled through the Web API.
    #[serde(default)]
    pub is_restricted: bool,
    #[serde(default)]
    pub is_private_session: bool,
    #[serde(default)]
    pub volume_percent: Option<u32>,
}

impl Device {
    /// Whether Tandem can play on it.
    pub fn usable(&self) -> bool {
        self.id.is_some() && !self.is_restricted
    }
}

#[derive(Deserialize)]
pub(crate) struct DeviceList {
    pub devices: Vec<Device>,
}

/// Which device plays: the one the user chose, or one the engine picks (the active one; else
/// the only one; else a computer; else the first).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum DeviceChoice {
    #[default]
    Auto,
    Id {
        id: String,
        /// For messages when it is not there.
        name: String,
    },
}

/// The engine's pick among `devices` for [`DeviceChoice::Auto`].
pub fn pick_device(devices: &[Device]) -> Option<&Device> {
    let usable: Vec<&Device> = devices.iter().filter(|d| d.usable()).collect();
    usable
        .iter()
        .find(|d| d.is_active)
        .or_else(|| (usable.len() == 1).then(|| &usable[0]))
        .or_else(|| usable.iter().find(|d| d.kind == "Computer"))
        .or_else(|| usable.first())
        .copied()
}

/// The current user (`GET /me`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Profile {
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    /// "premium", "free" or "open" (needs the `user-read-private` scope).
    #[serde(default)]
    pub product: Option<String>,
}

impl Profile {
    /// Playback can be controlled (Premium). Unknown counts as yes: the player commands will
    /// say otherwise with `PREMIUM_REQUIRED`.
    pub fn can_control_playback(&self) -> bool {
        self.product.as_deref().is_none_or(|p| p == "premium")
    }
}

/// What a device plays (`GET /me/player`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PlaybackState {
    #[serde(default)]
    pub device: Option<Device>,
    /// Where playback is, as Spotify's servers last heard from the device (extrapolated).
    #[serde(default)]
    pub progress_ms: Option<i64>,
    #[serde(default)]
    pub is_playing: bool,
    /// When the playback state last *changed* (play, pause, seek, new track), ms since the Unix
    /// epoch on Spotify's clock. Not when `progress_ms` was read: the engine does not use it
    /// for timing.
    #[serde(default)]
    pub timestamp: i64,
    #[serde(default)]
    pub item: Option<PlayingItem>,
}

/// The track (or episode) playing.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PlayingItem {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub uri: String,
    #[serde(default)]
    pub duration_ms: Option<i64>,
}

/// A track's metadata (`GET /tracks/{id}`), for the room's song entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackMetadata {
    pub id: String,
    pub title: String,
    pub artists: Vec<String>,
    pub album: Option<String>,
    /// The largest album image.
    pub album_art_url: Option<String>,
    pub duration_ms: i64,
}

impl TrackMetadata {
    /// The artists as one line ("A, B").
    pub fn artist_line(&self) -> Option<String> {
        (!self.artists.is_empty()).then(|| self.artists.join(", "))
    }

    pub fn duration_us(&self) -> i64 {
        self.duration_ms.saturating_mul(1_000)
    }
}

#[derive(Deserialize)]
pub(crate) struct TrackJson {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub duration_ms: i64,
    #[serde(default)]
    pub artists: Vec<NamedJson>,
    #[serde(default)]
    pub album: Option<AlbumJson>,
}

#[derive(Deserialize)]
pub(crate) struct NamedJson {
    pub name: String,
}

#[derive(Deserialize)]
pub(crate) struct AlbumJson {
    pub name: String,
    #[serde(default)]
    pub images: Vec<ImageJson>,
}

#[derive(Deserialize)]
pub(crate) struct ImageJson {
    pub url: String,
    #[serde(default)]
    pub width: Option<u32>,
}

impl From<TrackJson> for TrackMetadata {
    fn from(t: TrackJson) -> Self {
        let (album, album_art_url) = match t.album {
            Some(a) => {
                let art = a
                    .images
                    .iter()
                    .max_by_key(|i| i.width.unwrap_or(0))
                    .map(|i| i.url.clone());
                (Some(a.name), art)
            }
            None => (None, None),
        };
        Self {
            id: t.id,
            title: t.name,
            artists: t.artists.into_iter().map(|a| a.name).collect(),
            album,
            album_art_url,
            duration_ms: t.duration_ms,
        }
    }
}

/// Spotify's error body: `{"error": {"status": 404, "message": "...", "reason": "..."}}`.
#[derive(Deserialize)]
pub(crate) struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Deserialize)]
pub(crate) struct ErrorDetail {
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub reason: Option<String>,
}

/// A Spotify id: 22 characters of base62.
pub fn is_spotify_id(id: &str) -> bool {
    id.len() == 22 && id.bytes().all(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(id: &str, kind: &str, active: bool) -> Device {
        Device {
            id: Some(id.to_owned()),
            name: id.to_owned(),
            kind: kind.to_owned(),
            is_active: active,
            is_restricted: false,
            is_private_session: false,
            volume_percent: None,
        }
    }

    #[test]
    fn auto_pick_prefers_active_then_only_then_computer() {
        let phone = device("phone", "Smartphone", false);
        let pc = device("pc", "Computer", false);
        let mut speaker = device("speaker", "Speaker", true);
        assert_eq!(pick_device(&[]), None);
        assert_eq!(pick_device(std::slice::from_ref(&phone)), Some(&phone));
        assert_eq!(pick_device(&[phone.clone(), pc.clone()]), Some(&pc));
        assert_eq!(
            pick_device(&[phone.clone(), pc.clone(), speaker.clone()]),
            Some(&speaker)
        );
        speaker.is_restricted = true;
        assert_eq!(pick_device(&[speaker, phone.clone()]), Some(&phone));
    }

    #[test]
    fn ids_are_22_base62() {
        assert!(is_spotify_id("4uLU6hMCjMI75M1A2tKUQC"));
        assert!(!is_spotify_id("4uLU6hMCjMI75M1A2tKUQ/"));
        assert!(!is_spotify_id("short"));
    }
}
