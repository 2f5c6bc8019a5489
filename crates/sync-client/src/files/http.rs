//! Plain HTTP/1.1 over one TCP (or TLS) connection per request, with hyper's low-level client:
//! a file transfer is a few long requests, so there is no pool to manage.
//!
//! The host and port come from the server's address alone (`http://`, `https://`, or the room's
//! `ws://`/`wss://` address); nothing assumes the peer is the server itself, so proxies work.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Body, Incoming};
use hyper::header::{self, HeaderValue};
use hyper::{Request, Response, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::ClientConfig;
use tokio_rustls::rustls::pki_types::ServerName;

use super::error::FileError;

/// How long connecting (TCP and TLS) and waiting for the response head may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The largest error body read for its JSON `code` and `message`.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Where a room server's files are: scheme, host and port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileServer {
    pub host: String,
    pub port: u16,
    pub secure: bool,
}

impl FileServer {
    /// Accepts `http(s)://host[:port]` and the room's `ws(s)://host[:port]/ws`; any path is
    /// ignored.
    ///
    /// # Errors
    /// [`FileError::InvalidUrl`] for another scheme or no host.
    pub fn parse(url: &str) -> Result<Self, FileError> {
        let invalid = |reason: &str| FileError::InvalidUrl {
            url: url.to_owned(),
            reason: reason.to_owned(),
        };
        let uri: Uri = url.trim().parse().map_err(|e| invalid(&format!("{e}")))?;
        let secure = match uri.scheme_str() {
            Some("http" | "ws") => false,
            Some("https" | "wss") => true,
            _ => {
                return Err(invalid(
                    "the address must start with http(s):// or ws(s)://",
                ));
            }
        };
        let host = uri
            .host()
            .map(|h| h.trim_start_matches('[').trim_end_matches(']').to_owned())
            .filter(|h| !h.is_empty())
            .ok_or_else(|| invalid("the address has no host"))?;
        let port = uri.port_u16().unwrap_or(if secure { 443 } else { 80 });
        Ok(Self { host, port, secure })
    }

    /// `http(s)://host:port`.
    pub fn base_url(&self) -> String {
        let scheme = if self.secure { "https" } else { "http" };
        if self.host.contains(':') {
            format!("{scheme}://[{}]:{}", self.host, self.port)
        } else {
            format!("{scheme}://{}:{}", self.host, self.port)
        }
    }

    fn host_header(&self) -> String {
        let default = if self.secure { 443 } else { 80 };
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        if self.port == default {
            host
        } else {
            format!("{host}:{}", self.port)
        }
    }
}

/// The path of a room's file: `/rooms/{code}/files/{sha256}`, the code percent-encoded.
pub(crate) fn file_path(code: &str, sha256: &str) -> String {
    let code: String = code
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("/rooms/{code}/files/{sha256}")
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// Open a connection and send `req` (its URI the path only); returns the response head, with
/// the body still to read. `Host` is set here.
///
/// # Errors
/// [`FileError::Tls`] when TLS fails for a reason of its own (an untrusted certificate);
/// [`FileError::Unreachable`] when connecting or the exchange fails or times out.
pub(crate) async fn send<B>(
    server: &FileServer,
    tls: Option<&Arc<ClientConfig>>,
    mut req: Request<B>,
) -> Result<Response<Incoming>, FileError>
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let unreachable = |e: &dyn std::fmt::Display| {
        FileError::Unreachable(format!("{}:{}: {e}", server.host, server.port))
    };
    let connect = async {
        let tcp = TcpStream::connect((server.host.as_str(), server.port))
            .await
            .map_err(|e| unreachable(&e))?;
        let _ = tcp.set_nodelay(true);
        let io: Box<dyn Io> = if server.secure {
            let config = tls.ok_or_else(|| FileError::Tls("https needs a TLS config".into()))?;
            let name = ServerName::try_from(server.host.clone())
                .map_err(|e| FileError::Tls(format!("{}: {e}", server.host)))?;
            let stream = TlsConnector::from(config.clone())
                .connect(name, tcp)
                .await
                .map_err(|e| {
                    // A certificate the client does not trust will not change by retrying; a
                    // connection lost during the handshake may.
                    let rustls_error = e
                        .get_ref()
                        .and_then(|inner| inner.downcast_ref::<tokio_rustls::rustls::Error>());
                    match rustls_error {
                        Some(tls) => {
                            FileError::Tls(format!("{}:{}: {tls}", server.host, server.port))
                        }
                        None => unreachable(&e),
                    }
                })?;
            Box::new(stream)
        } else {
            Box::new(tcp)
        };
        Ok::<_, FileError>(io)
    };
    let io = tokio::time::timeout(CONNECT_TIMEOUT, connect)
        .await
        .map_err(|_| unreachable(&"timed out connecting"))??;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(io))
        .await
        .map_err(|e| unreachable(&e))?;
    // Drives the connection until the response body is read or dropped.
    tokio::spawn(async move {
        if let Err(e) = conn.await {
            tracing::debug!(error = %e, "file connection ended with an error");
        }
    });
    if let Ok(v) = HeaderValue::from_str(&server.host_header()) {
        req.headers_mut().insert(header::HOST, v);
    }
    req.headers_mut().insert(
        header::USER_AGENT,
        HeaderValue::from_static(concat!("tandem-sync-client/", env!("CARGO_PKG_VERSION"))),
    );
    tokio::time::timeout(CONNECT_TIMEOUT, sender.send_request(req))
        .await
        .map_err(|_| unreachable(&"timed out waiting for the answer"))?
        .map_err(|e| unreachable(&e))
}

/// `Authorization: Bearer <token>`, marked sensitive (kept out of hyper's debug output).
pub(crate) fn bearer(token: &str) -> Result<HeaderValue, FileError> {
    let mut v =
        HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| FileError::InvalidUrl {
            url: "(token)".into(),
            reason: "the token has characters a header cannot carry".into(),
        })?;
    v.set_sensitive(true);
    Ok(v)
}

/// A refusal from an error response: its status and the JSON `code` and `message` the room
/// server sends (or the status text when the body is something else).
pub(crate) async fn refusal(res: Response<Incoming>) -> FileError {
    let status = res.status();
    let mut body = res.into_body();
    let mut bytes = Vec::new();
    while bytes.len() < MAX_ERROR_BODY {
        match tokio::time::timeout(CONNECT_TIMEOUT, body.frame()).await {
            Ok(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    bytes.extend_from_slice(data);
                }
            }
            _ => break,
        }
    }
    let json: Option<serde_json::Value> = serde_json::from_slice(&bytes).ok();
    let field = |name: &str| {
        json.as_ref()
            .and_then(|j| j[name].as_str())
            .map(str::to_owned)
    };
    FileError::Refused {
        status: status.as_u16(),
        code: field("code").unwrap_or_default(),
        message: field("message").unwrap_or_else(|| {
            status
                .canonical_reason()
                .unwrap_or("error")
                .to_ascii_lowercase()
        }),
    }
}

/// Whether trying again later can help: the server is overloaded or restarting.
pub(crate) fn is_transient(status: StatusCode) -> bool {
    status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn addresses() {
        let s = FileServer::parse("ws://127.0.0.1:7878/ws").unwrap();
        assert_eq!(s.base_url(), "http://127.0.0.1:7878");
        assert_eq!(s.host_header(), "127.0.0.1:7878");
        let s = FileServer::parse("wss://tandem.example/ws").unwrap();
        assert_eq!((s.port, s.secure), (443, true));
        assert_eq!(s.base_url(), "https://tandem.example:443");
        assert_eq!(s.host_header(), "tandem.example");
        let s = FileServer::parse("http://[::1]:80").unwrap();
        assert_eq!(s.host, "::1");
        assert_eq!(s.base_url(), "http://[::1]:80");
        assert_eq!(s.host_header(), "[::1]");
        for bad in ["ftp://x", "x:1", "", "http://"] {
            assert!(FileServer::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn paths_encode_the_code() {
        assert_eq!(file_path("K7QM2D", "ab"), "/rooms/K7QM2D/files/ab");
        assert_eq!(file_path("a/../b", "ab"), "/rooms/a%2F..%2Fb/files/ab");
    }
}
