//! [`upload`]: a member adds a local file to a room on another machine's server.

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{StreamExt, TryStreamExt, stream};
use http_body_util::StreamBody;
use hyper::body::Frame;
use hyper::header::{self, HeaderValue};
use hyper::{Request, StatusCode};
use tokio_util::io::ReaderStream;

use super::cache::parse_sha256;
use super::download::hash_file;
use super::error::FileError;
use super::http::{self, FileServer, file_path};
use crate::config::TlsOptions;
use crate::tls;

/// How long to wait for the server's `100 Continue` before sending the body anyway (a server or
/// proxy that ignores `Expect`).
const CONTINUE_WAIT: Duration = Duration::from_secs(1);

/// Upload the file at `path` to room `code` on the server at `base_url` (`http(s)://host:port`
/// or the room's `ws(s)://` address), as the member whose resume token is `token`. Returns its
/// hash: what goes in `add-song {kind: "local", sha256}` once this returns.
///
/// The file is hashed first (reading it once), then streamed (reading it again) once the
/// server says `100 Continue`: a server that already holds the file, or refuses it, answers
/// before the body is sent.
///
/// # Errors
/// [`FileError::Io`] when the file cannot be read; [`FileError::Refused`] with the server's
/// code: `forbidden` (uploads are off), `not-in-room`, `invalid-field` (the bytes changed while
/// uploading, or the file is over the server's limit: 413); [`FileError::Tls`] (an untrusted
/// certificate); [`FileError::Unreachable`].
pub async fn upload(
    base_url: &str,
    code: &str,
    token: &str,
    path: &Path,
    tls_options: &TlsOptions,
) -> Result<String, FileError> {
    let server = FileServer::parse(base_url)?;
    let tls = if server.secure {
        Some(tls::client_config(tls_options).map_err(|e| FileError::Tls(e.to_string()))?)
    } else {
        None
    };
    let owned = path.to_owned();
    let sha256 = tokio::task::spawn_blocking(move || hash_file(&owned))
        .await
        .map_err(|e| FileError::Io(e.to_string()))?
        .map_err(|e| FileError::io(path.display(), &e))?;
    let sha256 = parse_sha256(&sha256)?;
    let file = tokio::fs::File::open(path)
        .await
        .map_err(|e| FileError::io(path.display(), &e))?;
    let size = file
        .metadata()
        .await
        .map_err(|e| FileError::io(path.display(), &e))?
        .len();
    // `Expect: 100-continue`: the body goes only once the server asks for it, so a server that
    // answers at once (it has the file, or refuses) is not sent a byte, and its answer is not
    // lost to a connection closed under a body still being written.
    let (go, gate) = tokio::sync::oneshot::channel::<()>();
    let go = Mutex::new(Some(go));
    let gate = async move {
        let _ = tokio::time::timeout(CONTINUE_WAIT, gate).await;
    };
    let chunks = ReaderStream::with_capacity(file, 64 * 1024).map_ok(|b: Bytes| Frame::data(b));
    let body = stream::once(gate)
        .filter_map(|()| async { None })
        .chain(chunks);
    let mut req = Request::put(file_path(code, &sha256))
        .body(StreamBody::new(body))
        .map_err(|e| FileError::Protocol(e.to_string()))?;
    hyper::ext::on_informational(&mut req, move |res| {
        if res.status() == StatusCode::CONTINUE
            && let Some(go) = go.lock().unwrap_or_else(|p| p.into_inner()).take()
        {
            let _ = go.send(());
        }
    });
    let headers = req.headers_mut();
    headers.insert(header::EXPECT, HeaderValue::from_static("100-continue"));
    headers.insert(header::AUTHORIZATION, http::bearer(token)?);
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    let res = http::send(&server, tls.as_ref(), req).await?;
    match res.status() {
        StatusCode::OK | StatusCode::CREATED => Ok(sha256),
        _ => Err(http::refusal(res).await),
    }
}
