//! Settings that persist: a JSON file in the app's config directory, written atomically
//! (temporary file, then rename) so a crash never leaves half a file. An unreadable file is set
//! aside (`settings.json.bad`) and the defaults used, never a refusal to start.

use std::path::{Path, PathBuf};

use room_core::ControlPolicy;
use serde::{Deserialize, Serialize};

use crate::error::CoreError;

/// Longest display name kept (the room server allows 40 characters).
pub const DISPLAY_NAME_MAX: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// The name others see.
    pub display_name: String,
    /// The output device by name; `None` is the system default.
    pub output_device: Option<String>,
    /// Who may control playback in rooms this app hosts.
    pub default_policy: ControlPolicy,
    pub theme: Theme,
    /// The port the embedded room server listens on when hosting (0: any free port).
    pub host_port: u16,
    /// Show a notification when the song changes while the window is hidden.
    pub notify_when_hidden: bool,
    /// The last address joined by hand, offered again.
    pub last_address: String,
    /// The listener's own Spotify app's client id (32 hex digits); empty: Spotify not set up.
    pub spotify_client_id: String,
    /// Which Spotify Connect device plays.
    pub spotify_device: spotify::DeviceChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Theme {
    /// Follow the OS.
    #[default]
    System,
    Light,
    Dark,
}

/// The port hosting tries first: fixed, so links and firewall rules stay valid across restarts.
pub const DEFAULT_HOST_PORT: u16 = 7878;

impl Default for Settings {
    fn default() -> Self {
        Self {
            display_name: String::new(),
            output_device: None,
            default_policy: ControlPolicy::default(),
            theme: Theme::System,
            host_port: DEFAULT_HOST_PORT,
            notify_when_hidden: true,
            last_address: String::new(),
            spotify_client_id: String::new(),
            spotify_device: spotify::DeviceChoice::Auto,
        }
    }
}

impl Settings {
    /// Checks and tidies what the UI sent.
    ///
    /// # Errors
    /// [`CoreError::InvalidInput`] for a display name that is empty after trimming, too long, or
    /// has control characters.
    pub fn validated(mut self) -> Result<Self, CoreError> {
        self.display_name = self.display_name.trim().to_owned();
        if self.display_name.chars().count() > DISPLAY_NAME_MAX {
            return Err(CoreError::InvalidInput(format!(
                "a display name has at most {DISPLAY_NAME_MAX} characters"
            )));
        }
        if self.display_name.chars().any(char::is_control) {
            return Err(CoreError::InvalidInput(
                "a display name cannot contain control characters".into(),
            ));
        }
        self.output_device = self.output_device.filter(|d| !d.trim().is_empty());
        self.last_address = self.last_address.trim().to_owned();
        self.spotify_client_id = self.spotify_client_id.trim().to_owned();
        let id = &self.spotify_client_id;
        if !id.is_empty() && (id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit())) {
            return Err(CoreError::InvalidInput(
                "a Spotify client id is 32 hexadecimal characters, from your app in Spotify's developer dashboard".into(),
            ));
        }
        Ok(self)
    }

    /// The display name, or a stand-in while none is set.
    pub fn name_or_default(&self) -> String {
        if self.display_name.is_empty() {
            "Listener".to_owned()
        } else {
            self.display_name.clone()
        }
    }
}

/// Where settings live and how they are read and written.
#[derive(Debug, Clone)]
pub struct SettingsStore {
    path: PathBuf,
}

impl SettingsStore {
    pub fn new(dir: &Path) -> Self {
        Self {
            path: dir.join("settings.json"),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the settings; defaults when there is no file, and when it cannot be read (the bad
    /// file is kept beside as `settings.json.bad` and a warning logged).
    pub fn load(&self) -> Settings {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Settings::default(),
            Err(e) => {
                tracing::warn!(path = %self.path.display(), error = %e, "settings unreadable; using defaults");
                return Settings::default();
            }
        };
        match serde_json::from_str::<Settings>(&text).map(Settings::validated) {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => self.set_aside(&e.to_string()),
            Err(e) => self.set_aside(&e.to_string()),
        }
    }

    fn set_aside(&self, why: &str) -> Settings {
        let bad = self.path.with_extension("json.bad");
        tracing::warn!(path = %self.path.display(), why, kept_as = %bad.display(), "settings file invalid; using defaults");
        let _ = std::fs::rename(&self.path, bad);
        Settings::default()
    }

    /// Writes the settings atomically.
    ///
    /// # Errors
    /// [`CoreError::Io`] when the directory cannot be created or the file written.
    pub fn save(&self, settings: &Settings) -> Result<(), CoreError> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| CoreError::io("creating the settings folder", e))?;
        }
        let text = serde_json::to_string_pretty(settings)
            .map_err(|e| CoreError::InvalidInput(e.to_string()))?;
        let tmp = self.path.with_extension("json.tmp");
        std::fs::write(&tmp, text).map_err(|e| CoreError::io("writing settings", e))?;
        std::fs::rename(&tmp, &self.path).map_err(|e| CoreError::io("saving settings", e))?;
        Ok(())
    }
}
