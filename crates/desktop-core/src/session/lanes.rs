//! One follower and one player per kind of song: local files through the audio engine,
//! YouTube through the page's IFrame player, Spotify (and anything not heard here) followed
//! silently. Each kind keeps its own drift thresholds (a millisecond for local audio, tens of
//! milliseconds for YouTube); switching kinds stops the player that was active.

use listener::{
    AudioPlayer, Follower, Player, Snapshot, SyncedFollower, TickReport, VirtualPlayer,
};
use room_core::SongSource;
use sync_core::DriftConfig;

use crate::view::PlayerKind;
use crate::youtube::YoutubePlayer;
use spotify::SpotifyPlayer;

pub struct Lane<P> {
    follower: Follower,
    pub player: P,
}

impl<P: Player> Lane<P> {
    fn new(config: DriftConfig, player: P) -> Self {
        Self {
            follower: Follower::Synced(Box::new(SyncedFollower::new(config))),
            player,
        }
    }

    fn tick(&mut self, now_us: i64, snap: &Snapshot) -> TickReport {
        self.follower.tick(now_us, snap, &mut self.player)
    }
}

pub struct Lanes {
    pub local: Lane<AudioPlayer>,
    pub youtube: Lane<YoutubePlayer>,
    pub silent: Lane<VirtualPlayer>,
    /// The listener's own Spotify device, once an account is connected.
    pub spotify: Option<Lane<SpotifyPlayer>>,
    active: PlayerKind,
}

impl Lanes {
    pub fn new(local: AudioPlayer, youtube: YoutubePlayer) -> Self {
        Self {
            local: Lane::new(DriftConfig::local_audio(), local),
            youtube: Lane::new(DriftConfig::youtube(), youtube),
            silent: Lane::new(DriftConfig::spotify(), VirtualPlayer::new()),
            spotify: None,
            active: PlayerKind::None,
        }
    }

    /// Plays Spotify songs on `player` from now on (`None`: follow them silently).
    pub fn set_spotify(&mut self, player: Option<SpotifyPlayer>) {
        if let Some(lane) = &mut self.spotify {
            lane.player.stop();
        }
        self.spotify = player.map(|p| Lane::new(DriftConfig::spotify(), p));
    }

    pub fn active(&self) -> PlayerKind {
        self.active
    }

    /// Follows the room's current song with the lane for its kind.
    pub fn tick(&mut self, now_us: i64, snap: &Snapshot) -> TickReport {
        let kind = match snap.song.as_ref().map(|s| &s.source) {
            Some(SongSource::Local { .. }) => PlayerKind::Local,
            Some(SongSource::Youtube { .. }) => PlayerKind::Youtube,
            Some(SongSource::Spotify { .. }) => PlayerKind::Spotify,
            None => PlayerKind::None,
        };
        if kind != self.active {
            match self.active {
                PlayerKind::Local => self.local.player.stop(),
                PlayerKind::Youtube => self.youtube.player.stop(),
                PlayerKind::Spotify => {
                    self.silent.player.stop();
                    if let Some(lane) = &mut self.spotify {
                        lane.player.stop();
                    }
                }
                PlayerKind::None => self.silent.player.stop(),
            }
            self.active = kind;
        }
        match kind {
            PlayerKind::Local => self.local.tick(now_us, snap),
            PlayerKind::Youtube => {
                self.youtube.player.observe();
                self.youtube.tick(now_us, snap)
            }
            PlayerKind::Spotify => match &mut self.spotify {
                Some(lane) => lane.tick(now_us, snap),
                None => self.silent.tick(now_us, snap),
            },
            PlayerKind::None => self.silent.tick(now_us, snap),
        }
    }

    /// The error above which the active lane starts trimming (µs): below it the player is in
    /// sync, whatever small trim it still holds.
    pub fn trim_enter_us(&self) -> i64 {
        match self.active {
            PlayerKind::Local => DriftConfig::local_audio().trim_enter_us,
            PlayerKind::Youtube => DriftConfig::youtube().trim_enter_us,
            PlayerKind::Spotify | PlayerKind::None => DriftConfig::spotify().trim_enter_us,
        }
    }

    /// The active player's rate trim, in ppm.
    pub fn rate_ppm(&self) -> i32 {
        match self.active {
            PlayerKind::Local => self.local.player.rate_ppm(),
            PlayerKind::Youtube => self.youtube.player.rate_ppm(),
            PlayerKind::Spotify => self.spotify.as_ref().map_or(0, |l| l.player.rate_ppm()),
            PlayerKind::None => 0,
        }
    }

    pub fn stop_all(&mut self) {
        self.local.player.stop();
        self.youtube.player.stop();
        self.silent.player.stop();
        if let Some(lane) = &mut self.spotify {
            lane.player.stop();
        }
        self.active = PlayerKind::None;
    }
}
