//! The UI's origin: a loopback HTTP server that serves the built UI (embedded in the binary,
//! through Tauri's asset resolver) at `http://127.0.0.1:PORT/`.
//!
//! Why not `tauri://localhost`: the YouTube IFrame API refuses to play for a page without an
//! http(s) origin (error 153). The page gets IPC through a capability granted to exactly this
//! origin at start (see `lib.rs`), and a strict Content-Security-Policy from here.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use tauri::AppHandle;

/// The path the YouTube IFrame API stand-in is served at when tests give one.
pub const FAKE_YOUTUBE_PATH: &str = "/dev/youtube-iframe-api.js";
/// The empty page of the benchmark's baseline (served only when asked for at start).
pub const BLANK_PATH: &str = "/dev/blank.html";

/// The page may load scripts only from itself and YouTube, frame only YouTube, and talk only
/// to itself and Tauri's IPC.
const CSP: &str = "default-src 'self'; \
    script-src 'self' https://www.youtube.com https://s.ytimg.com; \
    frame-src https://www.youtube.com https://www.youtube-nocookie.com; \
    img-src 'self' data: https://i.ytimg.com; \
    style-src 'self' 'unsafe-inline'; \
    connect-src 'self' ipc: http://ipc.localhost; \
    object-src 'none'; base-uri 'none'; form-action 'none'";

#[derive(Clone)]
struct Ui {
    app: AppHandle,
    fake_youtube: Option<PathBuf>,
    blank: bool,
}

/// Serves the UI on 127.0.0.1 at `port` (any free port if taken or 0). Returns the port.
///
/// # Errors
/// When no loopback port can be bound.
pub async fn start(
    app: AppHandle,
    port: u16,
    fake_youtube: Option<PathBuf>,
    blank: bool,
) -> std::io::Result<u16> {
    let listener =
        match tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await {
            Ok(l) => l,
            Err(e) if port != 0 => {
                tracing::info!(port, error = %e, "UI port taken; using any free port");
                tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await?
            }
            Err(e) => return Err(e),
        };
    let port = listener.local_addr()?.port();
    let router = Router::new().fallback(serve).with_state(Ui {
        app,
        fake_youtube,
        blank,
    });
    tauri::async_runtime::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            tracing::error!(error = %e, "the UI server stopped");
        }
    });
    Ok(port)
}

async fn serve(State(ui): State<Ui>, uri: Uri) -> Response {
    let path = uri.path();
    if path == FAKE_YOUTUBE_PATH
        && let Some(file) = &ui.fake_youtube
    {
        return match tokio::fs::read(file).await {
            Ok(bytes) => with_headers(bytes, "text/javascript"),
            Err(e) => (StatusCode::NOT_FOUND, e.to_string()).into_response(),
        };
    }
    if path == BLANK_PATH && ui.blank {
        return with_headers(
            b"<!doctype html><title>Tandem</title><p>blank".to_vec(),
            "text/html",
        );
    }
    let resolver = ui.app.asset_resolver();
    let asset = resolver
        .get(path.to_owned())
        .or_else(|| resolver.get("/index.html".to_owned()));
    match asset {
        Some(asset) => with_headers(asset.bytes().to_vec(), asset.mime_type()),
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}

fn with_headers(bytes: Vec<u8>, mime: &str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(mime) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}
