//! Opening one WebSocket: TCP (with `TCP_NODELAY`), TLS for `wss://`, the handshake.
//!
//! The host and port come from the URL alone; nothing assumes the peer address is the server's
//! own, so any TCP proxy in between works.

use std::sync::Arc;

use tokio::net::TcpStream;
use tokio_rustls::rustls::ClientConfig;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::handshake::client::Request;
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};

use crate::error::ClientError;

pub(crate) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A server address, checked once when the client starts.
#[derive(Debug, Clone)]
pub(crate) struct Endpoint {
    pub url: String,
    pub host: String,
    pub port: u16,
    pub secure: bool,
}

impl Endpoint {
    /// # Errors
    /// [`ClientError::InvalidUrl`] for anything but `ws://` or `wss://` with a host.
    pub fn parse(url: &str) -> Result<Self, ClientError> {
        let invalid = |reason: &str| ClientError::InvalidUrl {
            url: url.to_owned(),
            reason: reason.to_owned(),
        };
        let request = url
            .into_client_request()
            .map_err(|e| invalid(&e.to_string()))?;
        let uri = request.uri();
        let secure = match uri.scheme_str() {
            Some("ws") => false,
            Some("wss") => true,
            _ => return Err(invalid("the address must start with ws:// or wss://")),
        };
        let host = uri
            .host()
            .map(|h| h.trim_start_matches('[').trim_end_matches(']').to_owned())
            .filter(|h| !h.is_empty())
            .ok_or_else(|| invalid("the address has no host"))?;
        let port = uri.port_u16().unwrap_or(if secure { 443 } else { 80 });
        Ok(Self {
            url: url.to_owned(),
            host,
            port,
            secure,
        })
    }

    fn request(&self) -> Result<Request, ClientError> {
        self.url
            .as_str()
            .into_client_request()
            .map_err(|e| ClientError::InvalidUrl {
                url: self.url.clone(),
                reason: e.to_string(),
            })
    }
}

/// Connects and completes the WebSocket handshake.
///
/// # Errors
/// [`ClientError::Unreachable`] when TCP, TLS or the handshake fails.
pub(crate) async fn open(
    endpoint: &Endpoint,
    tls: Option<Arc<ClientConfig>>,
) -> Result<Socket, ClientError> {
    let unreachable = |e: &dyn std::fmt::Display| ClientError::Unreachable(e.to_string());
    let tcp = TcpStream::connect((endpoint.host.as_str(), endpoint.port))
        .await
        .map_err(|e| unreachable(&format_args!("{}:{}: {e}", endpoint.host, endpoint.port)))?;
    // Pings and control messages are tiny and latency is the product: never wait for Nagle.
    tcp.set_nodelay(true).map_err(|e| unreachable(&e))?;
    let connector = match (endpoint.secure, tls) {
        (true, Some(config)) => Connector::Rustls(config),
        (true, None) => return Err(ClientError::Tls("wss:// needs a TLS config".to_owned())),
        (false, _) => Connector::Plain,
    };
    let (socket, _response) = tokio_tungstenite::client_async_tls_with_config(
        endpoint.request()?,
        tcp,
        None,
        Some(connector),
    )
    .await
    .map_err(|e| unreachable(&e))?;
    Ok(socket)
}
