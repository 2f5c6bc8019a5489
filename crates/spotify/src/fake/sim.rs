//! The fake's simulated world: Connect devices that play on the shared clock (drifting, late to
//! start, stalling), the catalogue, and a small seeded random source for latency and jitter.

use serde_json::{Value, json};

/// A device as the test describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct FakeDevice {
    /// 40 hex characters on Spotify; any string here.
    pub id: String,
    pub name: String,
    /// "Computer", "Smartphone", "Speaker".
    pub kind: String,
    /// The device plays this many ppm fast (negative: slow) against the shared clock.
    pub drift_ppm: f64,
    /// Cannot be controlled through the Web API.
    pub restricted: bool,
}

impl FakeDevice {
    pub fn new(id: &str, name: &str) -> Self {
        Self {
            id: id.to_owned(),
            name: name.to_owned(),
            kind: "Computer".to_owned(),
            drift_ppm: 0.0,
            restricted: false,
        }
    }

    pub fn drifting(mut self, ppm: f64) -> Self {
        self.drift_ppm = ppm;
        self
    }

    pub fn kind(mut self, kind: &str) -> Self {
        self.kind = kind.to_owned();
        self
    }
}

/// What a device is doing, seen from outside (the truth the tests and the bench measure).
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceSnapshot {
    pub active: bool,
    pub track: Option<String>,
    pub playing: bool,
    pub position_us: i64,
}

/// A track of the fake catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct FakeTrack {
    /// 22 base62 characters.
    pub id: String,
    pub name: String,
    pub artists: Vec<String>,
    pub album: String,
    pub duration_ms: i64,
}

impl FakeTrack {
    pub fn new(id: &str, name: &str, artists: &[&str], album: &str, duration_ms: i64) -> Self {
        Self {
            id: id.to_owned(),
            name: name.to_owned(),
            artists: artists.iter().map(|a| (*a).to_owned()).collect(),
            album: album.to_owned(),
            duration_ms,
        }
    }

    /// The Web API's full track object (`GET /tracks/{id}`, `item` of `GET /me/player`).
    pub fn json(&self) -> Value {
        let artists: Vec<Value> = self
            .artists
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let id = format!("{:0>22}", format!("artist{i}"));
                json!({
                    "external_urls": {"spotify": format!("https://open.spotify.com/artist/{id}")},
                    "href": format!("https://api.spotify.com/v1/artists/{id}"),
                    "id": id,
                    "name": name,
                    "type": "artist",
                    "uri": format!("spotify:artist:{id}"),
                })
            })
            .collect();
        let album_id = format!("{:0>22}", "album");
        let image = |size: u32| {
            json!({
                "url": format!("https://i.scdn.co/image/{}{size}", self.id),
                "height": size,
                "width": size,
            })
        };
        json!({
            "album": {
                "album_type": "album",
                "artists": artists.clone(),
                "external_urls": {"spotify": format!("https://open.spotify.com/album/{album_id}")},
                "href": format!("https://api.spotify.com/v1/albums/{album_id}"),
                "id": album_id,
                "images": [image(640), image(300), image(64)],
                "name": self.album,
                "release_date": "2001-03-07",
                "release_date_precision": "day",
                "total_tracks": 14,
                "type": "album",
                "uri": format!("spotify:album:{album_id}"),
            },
            "artists": artists,
            "disc_number": 1,
            "duration_ms": self.duration_ms,
            "explicit": false,
            "external_ids": {"isrc": "GBAYE0100001"},
            "external_urls": {"spotify": format!("https://open.spotify.com/track/{}", self.id)},
            "href": format!("https://api.spotify.com/v1/tracks/{}", self.id),
            "id": self.id,
            "is_local": false,
            "is_playable": true,
            "name": self.name,
            "popularity": 73,
            "preview_url": null,
            "track_number": 1,
            "type": "track",
            "uri": format!("spotify:track:{}", self.id),
        })
    }
}

/// The catalogue every fake starts with.
pub fn default_catalogue() -> Vec<FakeTrack> {
    vec![
        FakeTrack::new(
            TRACK_ONE_MORE_TIME,
            "One More Time",
            &["Daft Punk"],
            "Discovery",
            320_357,
        ),
        FakeTrack::new(
            TRACK_HARDER_BETTER,
            "Harder, Better, Faster, Stronger",
            &["Daft Punk"],
            "Discovery",
            224_693,
        ),
        FakeTrack::new(
            TRACK_UNDER_PRESSURE,
            "Under Pressure",
            &["Queen", "David Bowie"],
            "Hot Space",
            248_440,
        ),
        FakeTrack::new(
            TRACK_LONG_MIX,
            "Long Mix",
            &["Tandem Test Orchestra"],
            "Benchmarks",
            3_600_000,
        ),
    ]
}

pub const TRACK_ONE_MORE_TIME: &str = "0DiWol3AO6WpXZgp0goxAV";
pub const TRACK_HARDER_BETTER: &str = "5W3cjX2J3tjhG8zb6u0qHn";
pub const TRACK_UNDER_PRESSURE: &str = "2fuCquhmrzHpu5xcA1ci9x";
/// An hour long: room for minutes of simulated playback and far seeks.
pub const TRACK_LONG_MIX: &str = "7ouMYWpwJ422jRcDASZB7P";

/// A device playing on the shared clock.
#[derive(Debug, Clone)]
pub(crate) struct SimDevice {
    pub info: FakeDevice,
    pub active: bool,
    pub track: Option<String>,
    pub duration_us: i64,
    pub playing: bool,
    /// The position holds at `anchor_pos_us` until `anchor_us`, then advances (when playing)
    /// at `1 + drift_ppm / 1e6`.
    pub anchor_us: i64,
    pub anchor_pos_us: f64,
}

impl SimDevice {
    pub fn new(info: FakeDevice) -> Self {
        Self {
            info,
            active: false,
            track: None,
            duration_us: i64::MAX / 4,
            playing: false,
            anchor_us: 0,
            anchor_pos_us: 0.0,
        }
    }

    pub fn position_at(&self, now_us: i64) -> f64 {
        let p = if !self.playing || now_us <= self.anchor_us {
            self.anchor_pos_us
        } else {
            let elapsed = (now_us - self.anchor_us) as f64;
            self.anchor_pos_us + elapsed * (1.0 + self.info.drift_ppm / 1e6)
        };
        p.min(self.duration_us as f64)
    }

    /// Playing, and not past the end.
    pub fn is_playing_at(&self, now_us: i64) -> bool {
        self.playing && self.position_at(now_us) < self.duration_us as f64
    }

    /// From `at_us` on, hold `position_us` then (if `playing`) advance.
    pub fn set(&mut self, at_us: i64, position_us: f64, playing: bool) {
        self.anchor_us = at_us;
        self.anchor_pos_us = position_us;
        self.playing = playing;
    }

    /// The position now becomes the anchor (for a change that keeps it).
    pub fn reanchor(&mut self, now_us: i64) {
        self.anchor_pos_us = self.position_at(now_us);
        self.anchor_us = self.anchor_us.max(now_us);
    }

    pub fn snapshot(&self, now_us: i64) -> DeviceSnapshot {
        DeviceSnapshot {
            active: self.active,
            track: self.track.clone(),
            playing: self.is_playing_at(now_us),
            position_us: self.position_at(now_us).round() as i64,
        }
    }

    pub fn json(&self) -> Value {
        json!({
            "id": self.info.id,
            "is_active": self.active,
            "is_private_session": false,
            "is_restricted": self.info.restricted,
            "name": self.info.name,
            "supports_volume": true,
            "type": self.info.kind,
            "volume_percent": 65,
        })
    }
}

/// xorshift64*: deterministic per seed, good enough for jitter.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// `base ± spread`, uniform, never negative.
    pub fn around(&mut self, base_us: i64, spread_us: i64) -> i64 {
        let offset = ((self.unit() * 2.0 - 1.0) * spread_us as f64).round() as i64;
        (base_us + offset).max(0)
    }

    pub fn hex(&mut self, chars: usize) -> String {
        let mut s = String::with_capacity(chars + 16);
        while s.len() < chars {
            s.push_str(&format!("{:016x}", self.next_u64()));
        }
        s.truncate(chars);
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_holds_until_its_anchor_then_drifts() {
        let mut d = SimDevice::new(FakeDevice::new("d", "D").drifting(1_000.0));
        d.set(1_000_000, 5_000_000.0, true);
        assert_eq!(d.snapshot(500_000).position_us, 5_000_000);
        assert_eq!(d.snapshot(2_000_000).position_us, 6_001_000);
        d.reanchor(2_000_000);
        d.playing = false;
        assert_eq!(d.snapshot(9_000_000).position_us, 6_001_000);
    }

    #[test]
    fn catalogue_ids_are_spotify_ids() {
        for t in default_catalogue() {
            assert!(crate::types::is_spotify_id(&t.id), "{}", t.id);
        }
        let mut r = Rng::new(7);
        let x = r.around(100, 10);
        assert!((90..=110).contains(&x));
    }
}
