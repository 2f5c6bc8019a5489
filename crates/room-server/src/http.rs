//! HTTP routes: `/ws` (the protocol), `/health`, `/metrics`, and a room's files
//! (`/rooms/{code}/files/{sha256}`, see [`crate::files`]).

use std::sync::atomic::Ordering;

use axum::Router;
use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::state::Shared;
use crate::{connection, files};

pub fn router(shared: Shared) -> Router {
    Router::new()
        .route("/ws", get(upgrade))
        .route("/health", get(health))
        .route("/metrics", get(metrics))
        .route(
            "/rooms/{code}/files/{sha256}",
            get(files::http::get_file).put(files::http::put_file),
        )
        .with_state(shared)
}

async fn upgrade(State(shared): State<Shared>, ws: WebSocketUpgrade) -> Response {
    let max = shared.config.limits.max_frame_bytes;
    // Small buffers: an idle listener should cost a few KiB, not the 128 KiB defaults.
    let ws = ws
        .read_buffer_size(4 * 1024)
        .write_buffer_size(0)
        .max_write_buffer_size(max * 4)
        .max_message_size(max)
        .max_frame_size(max);
    let tracker = shared.tracker.clone();
    ws.on_upgrade(move |socket| tracker.track_future(connection::serve(socket, shared)))
}

async fn health(State(shared): State<Shared>) -> Response {
    let body = serde_json::json!({
        "status": if shared.shutdown.is_cancelled() { "stopping" } else { "ok" },
        "rooms": shared.registry.len(),
        "connections": shared.metrics.connections_open.load(Ordering::Relaxed),
        "roomClockUs": shared.clock.now_us(),
    });
    (
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

async fn metrics(State(shared): State<Shared>) -> Response {
    let mut text = shared.metrics.render();
    if let Some(store) = &shared.store {
        let stats = store.stats();
        for (name, help, value) in [
            (
                "tandem_store_transactions_total",
                "Store transactions committed.",
                stats.transactions,
            ),
            (
                "tandem_store_ops_applied_total",
                "Store operations written.",
                stats.applied_ops,
            ),
            (
                "tandem_store_ops_failed_total",
                "Store operations that failed.",
                stats.failed_ops,
            ),
        ] {
            text.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n"
            ));
        }
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}
