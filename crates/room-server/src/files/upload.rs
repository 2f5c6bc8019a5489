//! Receiving an upload: the body is streamed to a temporary file in the upload directory while
//! it is hashed and counted, and becomes `<upload_dir>/<sha256>` only once its hash matches the
//! one in the URL. The file name is always the server's own (a temporary name, then the
//! verified hash): nothing the client sends becomes a path.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use room_core::ErrorCode;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use super::http::{error, locate};
use crate::secrets;
use crate::state::Shared;

/// A temporary file removed when dropped, unless it was renamed into place: a failed, refused
/// or abandoned upload (the client hung up and the handler was dropped) leaves nothing behind.
struct TempFile {
    path: Option<PathBuf>,
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(p) = self.path.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// The temporary name of an upload: hidden, random, and never a valid hash, so it can never be
/// served.
fn temp_name(dir: &Path, sha256: &str) -> PathBuf {
    dir.join(format!(
        ".upload-{}-{}.tmp",
        &sha256[..16],
        secrets::token()
    ))
}

fn stored(sha256: &str, size: u64, status: StatusCode) -> Response {
    let body = serde_json::json!({"sha256": sha256, "size": size});
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// Store the upload of `sha256` (a checked hash, from a checked member).
pub(crate) async fn receive(
    shared: &Shared,
    sha256: &str,
    headers: &HeaderMap,
    body: Body,
) -> Response {
    let Some(dir) = shared.config.upload_dir.clone() else {
        return error(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "this server does not accept uploads",
        );
    };
    // Already held: no need to read a byte of the body.
    if let Some(entry) = locate(shared, sha256).await {
        return stored(sha256, entry.size, StatusCode::OK);
    }
    let max = shared.config.max_upload_bytes;
    let too_large = || {
        error(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::InvalidField,
            format!(
                "the file is larger than this server accepts ({} MB)",
                max / 1_000_000
            ),
        )
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max) {
        return too_large();
    }
    let internal = |e: std::io::Error| {
        tracing::error!(error = %e, "cannot store an upload");
        error(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            "the server cannot store the file",
        )
    };
    if let Err(e) = tokio::fs::create_dir_all(&dir).await {
        return internal(e);
    }
    let temp_path = temp_name(&dir, sha256);
    let mut temp = TempFile {
        path: Some(temp_path.clone()),
    };
    let mut file = match tokio::fs::File::create_new(&temp_path).await {
        Ok(f) => f,
        Err(e) => return internal(e),
    };
    let mut hasher = Sha256::new();
    let mut size = 0_u64;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => {
                tracing::debug!(error = %e, "an upload broke off");
                return error(
                    StatusCode::BAD_REQUEST,
                    ErrorCode::InvalidField,
                    "the upload broke off before its end",
                );
            }
        };
        size += chunk.len() as u64;
        if size > max {
            return too_large();
        }
        hasher.update(&chunk);
        if let Err(e) = file.write_all(&chunk).await {
            return internal(e);
        }
    }
    if let Err(e) = file.flush().await {
        return internal(e);
    }
    if let Err(e) = file.sync_all().await {
        return internal(e);
    }
    drop(file);
    let actual = hex::encode(hasher.finalize());
    if actual != sha256 {
        tracing::info!(
            expected = %&sha256[..12],
            actual = %&actual[..12],
            "refused an upload whose bytes do not match its hash"
        );
        return error(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidField,
            format!("the uploaded bytes hash to {actual}, not {sha256}"),
        );
    }
    let final_path = dir.join(sha256);
    if let Err(e) = tokio::fs::rename(&temp_path, &final_path).await {
        return internal(e);
    }
    temp.path = None;
    shared.config.files.insert(sha256, final_path, size);
    tracing::info!(sha256 = %&sha256[..12], size, "stored an upload");
    stored(sha256, size, StatusCode::CREATED)
}
