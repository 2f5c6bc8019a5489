//! `GET`/`HEAD`/`PUT /rooms/{code}/files/{sha256}`: the checks in the order the module docs
//! list them, then the file streamed from disk (or the upload streamed to disk).

use std::io::SeekFrom;
use std::path::PathBuf;

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use room_core::ErrorCode;
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio::sync::oneshot;
use tokio_util::io::ReaderStream;

use super::range::{self, RangeAnswer};
use super::registry::{Entry, parse_sha256};
use super::upload;
use crate::room_task::{FileAccess, RoomCommand};
use crate::secrets;
use crate::state::Shared;

/// How much of a file one read takes from disk while streaming it.
const CHUNK: usize = 64 * 1024;

/// A JSON error answer: `{"code": "...", "message": "..."}`.
pub(crate) fn error(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Response {
    let body = serde_json::json!({"code": code.as_str(), "message": message.into()});
    let mut res = (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response();
    if status == StatusCode::UNAUTHORIZED {
        res.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    res
}

/// The checked request: a valid hash, a room and a member of it.
struct Authorised {
    sha256: String,
    file_in_room: bool,
}

/// The first four checks, shared by GET and PUT: hash, token, room, membership.
async fn authorise(
    shared: &Shared,
    path: Result<Path<(String, String)>, PathRejection>,
    headers: &HeaderMap,
    uploading: bool,
) -> Result<Authorised, Response> {
    let invalid_hash = || {
        error(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidField,
            "the file must be named by its sha256: 64 hexadecimal digits",
        )
    };
    let Ok(Path((code, hash))) = path else {
        return Err(invalid_hash());
    };
    let sha256 = parse_sha256(&hash).ok_or_else(invalid_hash)?;
    if uploading && shared.config.upload_dir.is_none() {
        return Err(error(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "this server does not accept uploads",
        ));
    }
    let Some(token) = bearer(headers) else {
        return Err(error(
            StatusCode::UNAUTHORIZED,
            ErrorCode::NotInRoom,
            "send the member's resume token as `Authorization: Bearer <token>`",
        ));
    };
    let room_not_found = || {
        error(
            StatusCode::NOT_FOUND,
            ErrorCode::RoomNotFound,
            "no room has that code",
        )
    };
    let Some(room) = shared.registry.get(&secrets::normalise_code(&code)) else {
        return Err(room_not_found());
    };
    let (reply, answer) = oneshot::channel();
    let cmd = RoomCommand::Authorize {
        token: token.to_owned(),
        sha256: sha256.clone(),
        reply,
    };
    if room.tx.send(cmd).await.is_err() {
        return Err(room_not_found());
    }
    match answer.await {
        Err(_) => Err(room_not_found()),
        Ok(FileAccess::NotAMember) => Err(error(
            StatusCode::FORBIDDEN,
            ErrorCode::NotInRoom,
            "that token is not a member's of this room; join it (again) first",
        )),
        Ok(FileAccess::Member { file_in_room }) => Ok(Authorised {
            sha256,
            file_in_room,
        }),
    }
}

/// The token of `Authorization: Bearer <token>`, if it is there and looks like one (RFC 6750's
/// token68 characters, at most 256). Never logged.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    let token68 = |b: u8| b.is_ascii_alphanumeric() || b"-._~+/=".contains(&b);
    (scheme.eq_ignore_ascii_case("bearer")
        && !token.is_empty()
        && token.len() <= 256
        && token.bytes().all(token68))
    .then_some(token)
}

/// Where the bytes of `sha256` are: shared by the app, or uploaded (before a restart, too).
pub(crate) async fn locate(shared: &Shared, sha256: &str) -> Option<Entry> {
    if let Some(entry) = shared.config.files.get(sha256) {
        return Some(entry);
    }
    // `sha256` is 64 hex digits (checked by the caller): joining it cannot leave the directory.
    let path: PathBuf = shared.config.upload_dir.as_ref()?.join(sha256);
    let meta = tokio::fs::metadata(&path).await.ok()?;
    if !meta.is_file() {
        return None;
    }
    let size = meta.len();
    shared.config.files.insert(sha256, path.clone(), size);
    Some(Entry { path, size })
}

/// `GET` and `HEAD`.
pub async fn get_file(
    State(shared): State<Shared>,
    method: Method,
    headers: HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Response {
    let auth = match authorise(&shared, path, &headers, false).await {
        Ok(a) => a,
        Err(res) => return res,
    };
    if !auth.file_in_room {
        return error(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "that file is not the current song nor queued in this room",
        );
    }
    let sha256 = auth.sha256;
    let not_held = || {
        error(
            StatusCode::NOT_FOUND,
            ErrorCode::SongNotFound,
            "this server does not have that file (yet); its member may still be uploading it",
        )
    };
    let Some(entry) = locate(&shared, &sha256).await else {
        return not_held();
    };
    let mut file = match tokio::fs::File::open(&entry.path).await {
        Ok(f) => f,
        Err(e) => {
            tracing::warn!(sha256 = %&sha256[..12], error = %e, "a shared file cannot be opened");
            return not_held();
        }
    };
    // The host changed the file after sharing it: what we would send no longer has this hash.
    if file.metadata().await.map(|m| m.len()).ok() != Some(entry.size) {
        tracing::warn!(sha256 = %&sha256[..12], "a shared file changed size since it was shared");
        return error(
            StatusCode::NOT_FOUND,
            ErrorCode::SongNotFound,
            "the file changed since it was shared; it must be shared again",
        );
    }

    let etag = format!("\"{sha256}\"");
    let size = entry.size;
    // `If-Range` with another validator (or a date: our files have no dates) asks for the
    // whole file.
    let if_range_ok = headers
        .get(header::IF_RANGE)
        .is_none_or(|v| v.as_bytes() == etag.as_bytes());
    let range_header = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .filter(|_| if_range_ok);
    let (status, start, len) = match range::answer(range_header, size) {
        RangeAnswer::Whole => (StatusCode::OK, 0, size),
        RangeAnswer::Part { start, end } => (StatusCode::PARTIAL_CONTENT, start, end - start + 1),
        RangeAnswer::Unsatisfiable => {
            let mut res = error(
                StatusCode::RANGE_NOT_SATISFIABLE,
                ErrorCode::InvalidField,
                format!("the file has {size} bytes"),
            );
            insert(&mut res, header::CONTENT_RANGE, format!("bytes */{size}"));
            insert(&mut res, header::ACCEPT_RANGES, "bytes".to_owned());
            return res;
        }
    };

    let body = if method == Method::HEAD {
        Body::empty()
    } else {
        if let Err(e) = file.seek(SeekFrom::Start(start)).await {
            tracing::warn!(error = %e, "cannot seek in a shared file");
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::Internal,
                "the file cannot be read",
            );
        }
        // Streamed, never read whole; cut at shutdown (the client resumes with a range).
        let stream = ReaderStream::with_capacity(file.take(len), CHUNK)
            .take_until(shared.shutdown.clone().cancelled_owned());
        Body::from_stream(stream)
    };
    tracing::debug!(sha256 = %&sha256[..12], status = status.as_u16(), start, len, "serving a file");
    let mut res = (status, body).into_response();
    insert(&mut res, header::CONTENT_LENGTH, len.to_string());
    insert(&mut res, header::ACCEPT_RANGES, "bytes".to_owned());
    insert(&mut res, header::ETAG, etag);
    insert(
        &mut res,
        header::CONTENT_TYPE,
        "application/octet-stream".to_owned(),
    );
    insert(&mut res, header::CACHE_CONTROL, "private".to_owned());
    insert(
        &mut res,
        header::X_CONTENT_TYPE_OPTIONS,
        "nosniff".to_owned(),
    );
    if status == StatusCode::PARTIAL_CONTENT {
        let end = start + len - 1;
        insert(
            &mut res,
            header::CONTENT_RANGE,
            format!("bytes {start}-{end}/{size}"),
        );
    }
    res
}

/// `PUT`: a member uploads a file for its room.
pub async fn put_file(
    State(shared): State<Shared>,
    headers: HeaderMap,
    path: Result<Path<(String, String)>, PathRejection>,
    body: Body,
) -> Response {
    let auth = match authorise(&shared, path, &headers, true).await {
        Ok(a) => a,
        Err(res) => return res,
    };
    upload::receive(&shared, &auth.sha256, &headers, body).await
}

fn insert(res: &mut Response, name: header::HeaderName, value: String) {
    if let Ok(v) = HeaderValue::from_str(&value) {
        res.headers_mut().insert(name, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn auth(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(value).unwrap_or(HeaderValue::from_static("x")),
        );
        h
    }

    #[test]
    fn bearer_tokens() {
        assert_eq!(bearer(&auth("Bearer abc123")), Some("abc123"));
        assert_eq!(bearer(&auth("bearer  abc123 ")), Some("abc123"));
        assert_eq!(bearer(&HeaderMap::new()), None);
        for bad in ["Basic abc", "Bearer", "Bearer ", "Bearer a b", "abc"] {
            assert_eq!(bearer(&auth(bad)), None, "{bad}");
        }
        assert_eq!(bearer(&auth(&format!("Bearer {}", "a".repeat(257)))), None);
    }
}
