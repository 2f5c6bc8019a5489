//! What a local file is: tags, length, format, cover art; and the content hash the room uses.
//!
//! Tags come from symphonia's readers: ID3v2/ID3v1 (MP3, and ID3 in front of other formats),
//! Vorbis comments (FLAC, Ogg Vorbis, Opus), MP4 `ilst` atoms (AAC, ALAC) and RIFF INFO (WAV).
//! Where a file has tags in two places (an ID3v2 tag in front of a FLAC), the container's own
//! tags win.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};
use symphonia::core::meta::{MetadataRevision, StandardTagKey, StandardVisualKey};

use crate::decode::{self, Decoder};
use crate::source::DecodeError;

/// Embedded cover art.
#[derive(Clone, PartialEq, Eq)]
pub struct Cover {
    /// The image's MIME type as the file states it (`image/jpeg`, `image/png`).
    pub mime: String,
    /// The encoded image.
    pub data: Vec<u8>,
}

impl std::fmt::Debug for Cover {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cover")
            .field("mime", &self.mime)
            .field("bytes", &self.data.len())
            .finish()
    }
}

/// What [`read`] finds out about a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    /// The title tag, or the file name without its extension when there is none.
    pub title: String,
    pub artist: Option<String>,
    pub album: Option<String>,
    /// Length in microseconds (wire time unit) when the container states it.
    pub duration_us: Option<u64>,
    /// One of room-core's `LOCAL_CODECS`: `mp3`, `flac`, `vorbis`, `opus`, `wav`, `aac`, `alac`.
    pub codec: &'static str,
    /// The decoded stream's rate and channels (Opus: always 48 kHz).
    pub sample_rate: u32,
    pub channels: u16,
    /// The front cover, or else the first picture, if the file embeds one.
    pub cover: Option<Cover>,
}

/// Reads tags, length and format of the audio file at `path`.
///
/// Opens the file as [`decode::open`] does (by content) and decodes its first packet, so a file
/// that `read` accepts also plays.
///
/// # Errors
/// The [`DecodeError`]s of [`decode::open`].
pub fn read(path: impl AsRef<Path>) -> Result<Metadata, DecodeError> {
    let path = path.as_ref();
    let file = File::open(path)?;
    if file.metadata()?.len() == 0 {
        return Err(DecodeError::Empty);
    }
    let ext = path.extension().and_then(|e| e.to_str());
    let mut probed = decode::probe(Box::new(file), ext)?;
    let container = probed.reader.metadata().skip_to_latest().cloned();
    // Container tags first, then tags found in front of the container.
    let revisions: Vec<&MetadataRevision> = container
        .iter()
        .chain(probed.leading_metadata.iter())
        .collect();
    let tag = |key: StandardTagKey| {
        revisions.iter().find_map(|rev| {
            rev.tags()
                .iter()
                .filter(|t| t.std_key == Some(key))
                .map(|t| t.value.to_string().trim().to_string())
                .find(|v| !v.is_empty())
        })
    };
    let title = tag(StandardTagKey::TrackTitle).unwrap_or_else(|| {
        path.file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
    });
    let artist = tag(StandardTagKey::Artist).or_else(|| tag(StandardTagKey::AlbumArtist));
    let album = tag(StandardTagKey::Album);
    let visuals: Vec<_> = revisions.iter().flat_map(|rev| rev.visuals()).collect();
    let cover = visuals
        .iter()
        .find(|v| v.usage == Some(StandardVisualKey::FrontCover))
        .or_else(|| visuals.first())
        .map(|v| Cover {
            mime: v.media_type.clone(),
            data: v.data.to_vec(),
        });
    drop(revisions);

    let decoder = Decoder::from_reader(probed.reader)?;
    let info = decoder.info();
    let duration_us = info.total_frames.and_then(|n| {
        let us = u128::from(n) * 1_000_000 / u128::from(info.sample_rate.max(1));
        u64::try_from(us).ok()
    });
    Ok(Metadata {
        title,
        artist,
        album,
        duration_us,
        codec: info.codec.as_str(),
        sample_rate: info.sample_rate,
        channels: info.channels,
        cover,
    })
}

/// The SHA-256 of the file's bytes, lowercase hex (64 characters): the content hash a room uses
/// to know that two listeners have the same song. Reads the file in 64 KiB blocks.
///
/// # Errors
/// [`DecodeError::Io`] when the file cannot be read.
pub fn sha256_file(path: impl AsRef<Path>) -> Result<String, DecodeError> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e.into()),
        };
        hasher.update(&buf[..n]);
    }
    Ok(hex::encode(hasher.finalize()))
}
