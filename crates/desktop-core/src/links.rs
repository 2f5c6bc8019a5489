//! Join links and addresses: what a person pastes or clicks, turned into a server URL and a code.
//!
//! - `tandem://join/K7QM2D?server=192.168.1.20:7878` opens the app (deep link); `tls=1` means
//!   `wss://`.
//! - `http://192.168.1.20:7878/join/K7QM2D` is the same for a browser or a chat app that only
//!   makes http links clickable.
//! - An address typed by hand: `ws://host:port/ws`, `wss://…`, `host:port` or `host` (port 7878).

use url::Url;

use crate::error::CoreError;
use crate::settings::DEFAULT_HOST_PORT;

/// Where to join and which room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinTarget {
    /// `ws://host:port/ws` or `wss://…`.
    pub url: String,
    pub code: String,
}

/// Tidies a room code as typed: spaces and dashes dropped, upper case; 4 to 12 letters and
/// digits.
///
/// # Errors
/// [`CoreError::InvalidInput`] for anything else.
pub fn normalize_code(code: &str) -> Result<String, CoreError> {
    let tidy: String = code
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect::<String>()
        .to_ascii_uppercase();
    if (4..=12).contains(&tidy.len()) && tidy.chars().all(|c| c.is_ascii_alphanumeric()) {
        Ok(tidy)
    } else {
        Err(CoreError::InvalidInput(format!(
            "“{}” is not a room code: codes are 4 to 12 letters and digits, like K7QM2D",
            code.trim()
        )))
    }
}

/// The WebSocket URL of a typed address.
///
/// # Errors
/// [`CoreError::InvalidInput`] when it is empty or not an address.
pub fn address_to_url(address: &str) -> Result<String, CoreError> {
    let a = address.trim();
    if a.is_empty() {
        return Err(CoreError::InvalidInput(
            "type the host's address, like 192.168.1.20:7878".into(),
        ));
    }
    let bad = || CoreError::InvalidInput(format!("“{a}” is not an address like 192.168.1.20:7878"));
    if a.starts_with("ws://") || a.starts_with("wss://") {
        let mut url = Url::parse(a).map_err(|_| bad())?;
        url.host_str().ok_or_else(bad)?;
        if url.path() == "/" || url.path().is_empty() {
            url.set_path("/ws");
        }
        return Ok(url.to_string());
    }
    if a.contains("://") {
        return Err(bad());
    }
    let with_port = if has_port(a) {
        a.to_owned()
    } else {
        format!("{a}:{DEFAULT_HOST_PORT}")
    };
    let url = Url::parse(&format!("ws://{with_port}/ws")).map_err(|_| bad())?;
    url.host_str().ok_or_else(bad)?;
    Ok(url.to_string())
}

fn has_port(a: &str) -> bool {
    match a.rsplit_once(':') {
        // `[::1]:7878`, `host:7878`; a bare IPv6 address has colons but no brackets.
        Some((host, port)) => {
            port.chars().all(|c| c.is_ascii_digit())
                && !port.is_empty()
                && (!host.contains(':') || host.ends_with(']'))
        }
        None => false,
    }
}

/// Reads a join link (`tandem://join/…` or `http(s)://host/join/…`).
///
/// # Errors
/// [`CoreError::InvalidInput`] with what is wrong with it.
pub fn parse_link(link: &str) -> Result<JoinTarget, CoreError> {
    let text = link.trim();
    let bad = |why: &str| CoreError::InvalidInput(format!("not a Tandem join link ({why})"));
    let url = Url::parse(text).map_err(|_| bad("expected tandem://join/CODE?server=host:port"))?;
    match url.scheme() {
        "tandem" => {
            // `tandem://join/CODE`: the host part is `join`.
            if url.host_str() != Some("join") {
                return Err(bad("it should start with tandem://join/"));
            }
            let code = normalize_code(url.path().trim_matches('/'))?;
            let mut server = None;
            let mut tls = false;
            for (k, v) in url.query_pairs() {
                match k.as_ref() {
                    "server" => server = Some(v.into_owned()),
                    "tls" => tls = v == "1",
                    _ => {}
                }
            }
            let server = server.ok_or_else(|| bad("it names no server"))?;
            let scheme = if tls { "wss" } else { "ws" };
            let url = address_to_url(&format!("{scheme}://{server}"))?;
            Ok(JoinTarget { url, code })
        }
        "http" | "https" => {
            let mut segments = url.path_segments().ok_or_else(|| bad("no path"))?;
            if segments.next() != Some("join") {
                return Err(bad("the path should be /join/CODE"));
            }
            let code = normalize_code(segments.next().unwrap_or_default())?;
            let host = url.host_str().ok_or_else(|| bad("no host"))?;
            let host = if host.contains(':') {
                format!("[{host}]")
            } else {
                host.to_owned()
            };
            let port = url.port_or_known_default().unwrap_or(DEFAULT_HOST_PORT);
            let scheme = if url.scheme() == "https" { "wss" } else { "ws" };
            Ok(JoinTarget {
                url: format!("{scheme}://{host}:{port}/ws"),
                code,
            })
        }
        _ => Err(bad("expected tandem://join/CODE?server=host:port")),
    }
}

/// The deep link others use to join `code` on the server at `host_port` (`192.168.1.20:7878`).
pub fn join_link(host_port: &str, code: &str) -> String {
    format!("tandem://join/{code}?server={host_port}")
}
