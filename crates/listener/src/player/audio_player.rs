//! A player that is heard: local-file songs fetched from the room's server through
//! [`FileCache`], decoded while they download, resampled to the output's format and played by
//! the audio engine, scheduled to the frame with `PlayAt`.
//!
//! It keeps a [`VirtualPlayer`] as the model of what it was told (so a scheduled start, a pause
//! or a seek read back exactly before the engine has rendered anything), and answers
//! [`Player::rendered_position`] from the engine's heard position whenever the engine is heard
//! playing the loaded song. Songs that are not local files (YouTube, Spotify) cannot be heard
//! here: they are followed silently by the virtual model alone.
//!
//! Positions are *heard* positions: the engine's `PlayAt` puts the frame at the speaker at the
//! instant given, its device latency included, so the follower's targets need no latency shift.

use std::sync::mpsc::{Receiver, TryRecvError};

use audio_engine::decode::{self, MediaSource};
use audio_engine::engine::{Command, EngineHandle, Position};
use audio_engine::output::OutputFormat;
use audio_engine::resample::Resampled;
use audio_engine::source::FrameSource;
use room_core::SongSource;
use room_core::protocol::{SongId, SongView};
use sync_client::{CachedFile, FileCache, StreamingReader};

use super::{Player, VirtualPlayer};

/// Where the room's files come from: the server's HTTP base, the room and the member's resume
/// token (kept current by the app: it changes when the client joins afresh).
pub struct FileSource {
    pub cache: FileCache,
    pub base_url: String,
    pub code: String,
    pub token: Option<String>,
}

impl std::fmt::Debug for FileSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The token is a secret: never in logs.
        f.debug_struct("FileSource")
            .field("cache", &self.cache.dir())
            .field("base_url", &self.base_url)
            .field("code", &self.code)
            .finish_non_exhaustive()
    }
}

/// What is known of the loaded song's audio.
enum Audio {
    /// Not a local file: followed silently.
    Silent,
    /// Fetching and opening the decoder on its own thread.
    Opening {
        file: CachedFile,
        opened: Receiver<Result<Box<dyn FrameSource>, String>>,
    },
    /// In the engine (`Load` sent).
    Loaded { file: CachedFile },
    /// Could not be fetched or decoded: followed silently; the message says why.
    Failed,
}

/// What the status line shows of the audio.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AudioStatus {
    Idle,
    Silent,
    Buffering,
    Heard,
    Failed(String),
}

impl std::fmt::Display for AudioStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Idle => f.write_str("idle"),
            Self::Silent => f.write_str("silent (not a local file)"),
            Self::Buffering => f.write_str("buffering"),
            Self::Heard => f.write_str("playing"),
            Self::Failed(why) => write!(f, "silent ({why})"),
        }
    }
}

/// See the module docs.
pub struct AudioPlayer {
    engine: EngineHandle,
    format: OutputFormat,
    files: FileSource,
    model: VirtualPlayer,
    audio: Audio,
    status: AudioStatus,
    /// Messages for the user (printed by the app).
    notices: Vec<String>,
}

impl std::fmt::Debug for AudioPlayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AudioPlayer")
            .field("format", &self.format)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

impl AudioPlayer {
    /// Plays through `engine` (whose output is open at `format`), fetching songs from `files`.
    pub fn new(engine: EngineHandle, format: OutputFormat, files: FileSource) -> Self {
        Self {
            engine,
            format,
            files,
            model: VirtualPlayer::new(),
            audio: Audio::Silent,
            status: AudioStatus::Idle,
            notices: Vec::new(),
        }
    }

    /// The member's current resume token (authorises fetching the room's files).
    pub fn set_token(&mut self, token: Option<String>) {
        self.files.token = token;
    }

    /// The room's code, once known (a client that creates its room learns it from the server).
    pub fn set_room_code(&mut self, code: &str) {
        if self.files.code != code {
            self.files.code = code.to_owned();
        }
    }

    pub fn status(&self) -> &AudioStatus {
        &self.status
    }

    /// Messages for the user since the last call.
    pub fn take_notices(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notices)
    }

    /// Whether the loaded song is in the engine (so the engine's commands apply).
    fn in_engine(&self) -> bool {
        matches!(self.audio, Audio::Loaded { .. })
    }

    fn send(&mut self, command: Command) {
        if let Err(e) = self.engine.send(command) {
            self.fail(format!("the audio engine failed: {e}"));
        }
    }

    fn fail(&mut self, why: String) {
        self.notices.push(format!(
            "cannot play this song ({why}); following it silently"
        ));
        self.status = AudioStatus::Failed(why);
        self.audio = Audio::Failed;
    }

    /// Starts fetching and opening `song`'s file; the decoder is opened on its own thread,
    /// since reading the headers waits for the download.
    fn open(&mut self, song_id: SongId, sha256: &str, codec: &str) {
        let Some(token) = self.files.token.clone() else {
            self.fail("not joined yet".to_owned());
            return;
        };
        let file =
            match self
                .files
                .cache
                .fetch(&self.files.base_url, &self.files.code, &token, sha256)
            {
                Ok(f) => f,
                Err(e) => {
                    self.fail(format!("cannot fetch the file: {e}"));
                    return;
                }
            };
        let reader = file.reader();
        let hint = codec.to_owned();
        let format = self.format;
        let (tx, rx) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name(format!("tandem-open-{song_id}"))
            .spawn(move || {
                let opened = open_source(reader, &hint, format);
                let _ = tx.send(opened);
            });
        if let Err(e) = spawned {
            self.fail(format!("cannot start a decoder thread: {e}"));
            return;
        }
        self.status = AudioStatus::Buffering;
        self.audio = Audio::Opening { file, opened: rx };
    }

    /// Moves an opening song into the engine once its decoder is ready. Returns whether the
    /// song can be played now (heard, or followed silently).
    fn poll_open(&mut self, song_id: SongId) -> bool {
        let Audio::Opening { opened, .. } = &self.audio else {
            return true;
        };
        match opened.try_recv() {
            Err(TryRecvError::Empty) => false,
            Err(TryRecvError::Disconnected) => {
                self.fail("its decoder thread ended".to_owned());
                true
            }
            Ok(Err(why)) => {
                // A failed download explains a failed decode better than the decoder can.
                let why = match &self.audio {
                    Audio::Opening { file, .. } => match file.progress().status {
                        sync_client::DownloadStatus::Failed(e) => {
                            format!("cannot fetch the file: {e}")
                        }
                        _ => why,
                    },
                    _ => why,
                };
                self.fail(why);
                true
            }
            Ok(Ok(source)) => {
                let Audio::Opening { file, .. } = std::mem::replace(&mut self.audio, Audio::Failed)
                else {
                    return true;
                };
                self.audio = Audio::Loaded { file };
                self.status = AudioStatus::Heard;
                self.send(Command::Load {
                    id: song_id,
                    source,
                });
                true
            }
        }
    }

    /// The loaded song's file, fetched (complete and verified) or in progress.
    pub fn file(&self) -> Option<&CachedFile> {
        match &self.audio {
            Audio::Opening { file, .. } | Audio::Loaded { file } => Some(file),
            Audio::Silent | Audio::Failed => None,
        }
    }
}

/// Opens the decoder over the download and adapts it to the output format.
fn open_source(
    reader: StreamingReader,
    codec: &str,
    format: OutputFormat,
) -> Result<Box<dyn FrameSource>, String> {
    let decoder =
        decode::open_reader(Box::new(Streaming(reader)), Some(codec)).map_err(|e| e.to_string())?;
    let resampled =
        Resampled::new(decoder, format.sample_rate, format.channels).map_err(|e| e.to_string())?;
    Ok(Box::new(resampled))
}

/// The download as a seekable symphonia source of known length.
struct Streaming(StreamingReader);

impl std::io::Read for Streaming {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf)
    }
}

impl std::io::Seek for Streaming {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        self.0.seek(pos)
    }
}

impl MediaSource for Streaming {
    fn is_seekable(&self) -> bool {
        true
    }

    fn byte_len(&self) -> Option<u64> {
        self.0.byte_len()
    }
}

impl Player for AudioPlayer {
    fn load(&mut self, song_id: SongId, song: Option<&SongView>) -> bool {
        if self.model.loaded() != Some(song_id) {
            if self.in_engine() {
                self.send(Command::Stop);
            }
            self.model.load(song_id, song);
            self.audio = Audio::Silent;
            self.status = AudioStatus::Silent;
            match song.map(|s| &s.source) {
                Some(SongSource::Local { sha256, codec }) => {
                    let (sha256, codec) = (sha256.clone(), codec.clone());
                    self.open(song_id, &sha256, &codec);
                }
                Some(_) => {
                    self.notices
                        .push("this song is not a local file: following it silently".to_owned());
                }
                // Nothing known of it yet: ask again.
                None => {
                    self.model.stop();
                    return false;
                }
            }
        }
        self.poll_open(song_id)
    }

    fn loaded(&self) -> Option<SongId> {
        // Still opening: not loaded, so the follower asks `load` again.
        if matches!(self.audio, Audio::Opening { .. }) {
            return None;
        }
        self.model.loaded()
    }

    fn start_at(&mut self, local_us: i64, position_us: i64) {
        self.model.start_at(local_us, position_us);
        if let (true, Some(id)) = (self.in_engine(), self.model.loaded()) {
            self.send(Command::SetRateTrim { ppm: 0 });
            self.send(Command::PlayAt {
                id,
                position: Position::Us(position_us),
                at_local_us: local_us,
            });
        }
    }

    fn pause(&mut self, now_us: i64) {
        let was_playing = self.model.is_playing();
        self.model.pause(now_us);
        if was_playing && self.in_engine() {
            self.send(Command::Pause);
        }
    }

    fn seek(&mut self, now_us: i64, position_us: i64) {
        let playing = self.model.is_playing();
        self.model.seek(now_us, position_us);
        if !self.in_engine() {
            return;
        }
        if playing {
            self.send(Command::Jump {
                position: Position::Us(position_us),
                at_local_us: now_us,
            });
        } else {
            self.send(Command::Seek {
                position: Position::Us(position_us),
            });
        }
    }

    fn set_rate_ppm(&mut self, now_us: i64, ppm: i32) {
        if ppm != self.model.rate_ppm() && self.in_engine() {
            self.send(Command::SetRateTrim { ppm });
        }
        self.model.set_rate_ppm(now_us, ppm);
    }

    fn rate_ppm(&self) -> i32 {
        self.model.rate_ppm()
    }

    fn rendered_position(&self, now_us: i64) -> Option<i64> {
        let id = self.loaded()?;
        if self.in_engine()
            && self.model.is_playing()
            && let Some(heard) = self.engine.heard_position()
            && heard.id == id
            && heard.playing
        {
            let elapsed = now_us - heard.at_local_us;
            let rate = 1.0 + f64::from(self.model.rate_ppm()) / 1e6;
            return Some(heard.position_us + (elapsed as f64 * rate).round() as i64);
        }
        self.model.rendered_position(now_us)
    }

    fn is_playing(&self) -> bool {
        self.loaded().is_some() && self.model.is_playing()
    }

    fn stop(&mut self) {
        if self.in_engine() {
            self.send(Command::Stop);
        }
        self.model.stop();
        self.audio = Audio::Silent;
        self.status = AudioStatus::Idle;
    }
}
