//! What the UI shows about Spotify: why a Spotify song is silent here and what to do about it.

use std::time::Duration;

use crate::error::SpotifyError;

/// The state of Spotify playback for this listener.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SpotifyStatus {
    /// No account connected.
    #[default]
    NotConnected,
    /// The saved login was revoked or no longer works: connect again.
    SessionExpired,
    /// The account is not Premium: the Web API refuses playback control.
    PremiumRequired,
    /// No Spotify Connect device to play on (`chosen`: the name of the device the user picked,
    /// when that one is missing).
    NoDevice { chosen: Option<String> },
    /// Spotify asked to slow down; playback commands resume after this.
    RateLimited { retry_in: Duration },
    /// Connected and able to play (on `device_name`, once one is known).
    Ready { device_name: Option<String> },
    /// Something went wrong that is retried automatically (network, Spotify's servers), or a
    /// command Spotify refused.
    Error(String),
}

impl SpotifyStatus {
    /// A stable, machine-readable name.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NotConnected => "not_connected",
            Self::SessionExpired => "session_expired",
            Self::PremiumRequired => "premium_required",
            Self::NoDevice { .. } => "no_device",
            Self::RateLimited { .. } => "rate_limited",
            Self::Ready { .. } => "ready",
            Self::Error(_) => "error",
        }
    }

    /// Whether a Spotify song is silent here in this state.
    pub fn is_silent(&self) -> bool {
        !matches!(self, Self::Ready { .. })
    }

    /// What to tell the listener: what is happening and what to do.
    pub fn human_message(&self) -> String {
        match self {
            Self::NotConnected => "Spotify songs play in your own Spotify app, so this one is silent here. \
                 Connect your Spotify account in Settings (with your own Spotify client id) to hear it; \
                 the room carries on meanwhile."
                .to_owned(),
            Self::SessionExpired => "Spotify no longer accepts Tandem's saved login (access was removed or expired). \
                 Connect Spotify again in Settings to hear Spotify songs."
                .to_owned(),
            Self::PremiumRequired => "Spotify lets apps control playback only on Premium accounts, so this song is \
                 silent here. With Spotify Premium it plays in your Spotify app; the room carries on meanwhile."
                .to_owned(),
            Self::NoDevice { chosen: Some(name) } => format!(
                "The Spotify device \"{name}\" is not available. Open Spotify on it (signed in to the same \
                 account), or choose another device in Settings."
            ),
            Self::NoDevice { chosen: None } => "No Spotify device is available. Open the Spotify app on this computer or \
                 your phone (signed in to the same account); Tandem will play there, or choose a device in Settings."
                .to_owned(),
            Self::RateLimited { retry_in } => format!(
                "Spotify asked Tandem to slow down; playback follows the room again in {} s.",
                retry_in.as_secs().max(1)
            ),
            Self::Ready {
                device_name: Some(name),
            } => format!("Playing in Spotify on \"{name}\"."),
            Self::Ready { device_name: None } => {
                "Spotify is connected; Spotify songs play in your Spotify app.".to_owned()
            }
            Self::Error(what) => format!(
                "Spotify playback ran into a problem ({what}); Tandem keeps trying."
            ),
        }
    }

    /// The state an error leaves playback in, if it says anything about it.
    pub fn of_error(e: &SpotifyError, chosen: Option<String>) -> Self {
        match e {
            SpotifyError::NotConnected => Self::NotConnected,
            SpotifyError::Unauthorized => Self::SessionExpired,
            SpotifyError::PremiumRequired => Self::PremiumRequired,
            SpotifyError::NoActiveDevice | SpotifyError::DeviceNotFound => {
                Self::NoDevice { chosen }
            }
            SpotifyError::RateLimited { retry_after } => Self::RateLimited {
                retry_in: *retry_after,
            },
            other => Self::Error(other.to_string()),
        }
    }
}

/// A change of status, once, for a toast.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpotifyNotice {
    pub status: SpotifyStatus,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_silent_state_says_what_to_do() {
        let all = [
            SpotifyStatus::NotConnected,
            SpotifyStatus::SessionExpired,
            SpotifyStatus::PremiumRequired,
            SpotifyStatus::NoDevice { chosen: None },
            SpotifyStatus::NoDevice {
                chosen: Some("Kitchen".to_owned()),
            },
            SpotifyStatus::RateLimited {
                retry_in: Duration::from_secs(3),
            },
            SpotifyStatus::Error("network error: could not connect".to_owned()),
        ];
        for s in all {
            assert!(s.is_silent());
            assert!(s.human_message().len() > 40, "{s:?}");
        }
        assert!(
            SpotifyStatus::PremiumRequired
                .human_message()
                .contains("Premium")
        );
        assert!(
            SpotifyStatus::NotConnected
                .human_message()
                .contains("Connect")
        );
        assert!(!SpotifyStatus::Ready { device_name: None }.is_silent());
    }
}
