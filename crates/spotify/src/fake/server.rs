//! The fake's HTTP side: the accounts service and the Web API endpoints, behind a layer that
//! adds the round trip, records every call, enforces `Content-Length` on `PUT` and the rate
//! limit.

// The handlers refuse with a ready `Response` (an axum idiom); size does not matter in a fake.
#![allow(clippy::result_large_err)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Form, Path, Query, Request, State as Extract};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post, put};
use serde_json::{Value, json};

use super::{Consent, State};
use crate::types::is_spotify_id;

type Shared = Arc<Mutex<State>>;

fn lock(s: &Shared) -> MutexGuard<'_, State> {
    s.lock().unwrap_or_else(PoisonError::into_inner)
}

pub(super) fn router(state: Shared) -> Router {
    Router::new()
        .route("/authorize", get(authorize))
        .route("/api/token", post(token))
        .route("/v1/me", get(me))
        .route("/v1/me/player", get(player_state).put(transfer))
        .route("/v1/me/player/devices", get(devices))
        .route("/v1/me/player/play", put(play))
        .route("/v1/me/player/pause", put(pause))
        .route("/v1/me/player/seek", put(seek))
        .route("/v1/tracks/{id}", get(track))
        .layer(middleware::from_fn_with_state(state.clone(), around))
        .with_state(state)
}

fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX / 4)
}

fn sleep_us(us: i64) -> tokio::time::Sleep {
    tokio::time::sleep(Duration::from_micros(u64::try_from(us).unwrap_or(0)))
}

/// Half the round trip on the way in, the handler, half on the way out; the call log; the
/// `411` and `429` quirks.
async fn around(Extract(st): Extract<Shared>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let (up, down) = {
        let mut s = lock(&st);
        let half = micros(s.config.latency) / 2;
        let spread = micros(s.config.jitter) / 2;
        (s.rng.around(half, spread), s.rng.around(half, spread))
    };
    sleep_us(up).await;
    let arrived = lock(&st).now_us();
    let bodiless_put = method == Method::PUT
        && !req.headers().contains_key(header::CONTENT_LENGTH)
        && !req.headers().contains_key(header::TRANSFER_ENCODING);
    let (limited, failure) = if path.starts_with("/v1/") {
        let mut s = lock(&st);
        let limited = rate_limited(&mut s, arrived);
        let failure = if limited.is_none() {
            s.failures.pop_front()
        } else {
            None
        };
        (limited, failure)
    } else {
        (None, None)
    };
    if let Some(super::FakeFailure::Hang(d)) = failure {
        tokio::time::sleep(d).await;
    }
    let resp = if let Some(super::FakeFailure::Status(code)) = failure {
        let status = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_GATEWAY);
        api_error(status, "Service unavailable", None)
    } else if bodiless_put {
        (
            StatusCode::LENGTH_REQUIRED,
            Html("<html><body><h1>411 Length Required</h1></body></html>"),
        )
            .into_response()
    } else if let Some(r) = limited {
        r
    } else {
        next.run(req).await
    };
    lock(&st).calls.push(super::Call {
        at_us: arrived,
        method: method.to_string(),
        path,
        status: resp.status().as_u16(),
    });
    sleep_us(down).await;
    resp
}

fn rate_limited(s: &mut State, now_us: i64) -> Option<Response> {
    let too_many = |retry_after: u64| {
        let mut r = api_error(
            StatusCode::TOO_MANY_REQUESTS,
            "API rate limit exceeded",
            None,
        );
        if let Ok(v) = header::HeaderValue::from_str(&retry_after.to_string()) {
            r.headers_mut().insert(header::RETRY_AFTER, v);
        }
        r
    };
    if s.throttle.0 > 0 {
        s.throttle.0 -= 1;
        return Some(too_many(s.throttle.1));
    }
    let limit = s.config.rate_limit?;
    let window = micros(limit.window);
    while s.window.front().is_some_and(|&t| t <= now_us - window) {
        s.window.pop_front();
    }
    if s.window.len() >= usize::try_from(limit.max_requests).unwrap_or(usize::MAX) {
        return Some(too_many(limit.retry_after_s));
    }
    s.window.push_back(now_us);
    None
}

fn api_error(status: StatusCode, message: &str, reason: Option<&str>) -> Response {
    let mut error = json!({"status": status.as_u16(), "message": message});
    if let Some(reason) = reason {
        error["reason"] = json!(reason);
    }
    (status, axum::Json(json!({ "error": error }))).into_response()
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        axum::Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

fn redirect(to: &str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, to.to_owned())]).into_response()
}

// ---- accounts service ----

async fn authorize(
    Extract(st): Extract<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut s = lock(&st);
    let param = |k: &str| q.get(k).map(String::as_str).unwrap_or_default();
    if !s.clients.contains(param("client_id")) {
        return (
            StatusCode::BAD_REQUEST,
            Html("INVALID_CLIENT: Invalid client"),
        )
            .into_response();
    }
    let redirect_uri = param("redirect_uri");
    let Ok(mut target) = url::Url::parse(redirect_uri) else {
        return (
            StatusCode::BAD_REQUEST,
            Html("INVALID_CLIENT: Invalid redirect URI"),
        )
            .into_response();
    };
    if target.scheme() != "http" || target.host_str() != Some("127.0.0.1") {
        return (
            StatusCode::BAD_REQUEST,
            Html("INVALID_CLIENT: Invalid redirect URI"),
        )
            .into_response();
    }
    let state = param("state").to_owned();
    let error = if param("response_type") != "code" {
        Some("unsupported_response_type")
    } else if param("code_challenge_method") != "S256" || param("code_challenge").is_empty() {
        Some("invalid_request")
    } else if s.consent == Consent::Deny {
        Some("access_denied")
    } else {
        None
    };
    {
        let mut pairs = target.query_pairs_mut();
        match error {
            Some(e) => {
                pairs.append_pair("error", e);
                pairs.append_pair("state", &state);
            }
            None => {
                let code = s.new_code(
                    param("client_id"),
                    redirect_uri,
                    param("code_challenge"),
                    param("scope"),
                );
                pairs.append_pair("code", &code);
                let state = if s.consent == Consent::ForgeState {
                    format!("forged{state}")
                } else {
                    state
                };
                pairs.append_pair("state", &state);
            }
        }
    }
    redirect(target.as_str())
}

async fn token(Extract(st): Extract<Shared>, Form(f): Form<HashMap<String, String>>) -> Response {
    let mut s = lock(&st);
    let field = |k: &str| f.get(k).map(String::as_str).unwrap_or_default();
    if !s.clients.contains(field("client_id")) {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_client", "Invalid client");
    }
    let verifier = field("code_verifier");
    if !verifier.is_empty() {
        // A secret too: the leak tests look for it.
        s.issued.push(verifier.to_owned());
    }
    let scope = match field("grant_type") {
        "authorization_code" => match s.redeem_code(
            field("code"),
            field("client_id"),
            field("redirect_uri"),
            field("code_verifier"),
        ) {
            Ok(scope) => scope,
            Err((error, description)) => {
                return oauth_error(StatusCode::BAD_REQUEST, error, description);
            }
        },
        "refresh_token" => {
            // Rotation: the old refresh token is spent.
            if !s.refresh.remove(field("refresh_token")) {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Refresh token revoked",
                );
            }
            crate::config::SCOPES.to_owned()
        }
        _ => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "grant_type must be client_credentials, authorization_code or refresh_token",
            );
        }
    };
    let access = s.issue("BQD");
    let refresh = s.issue("AQB");
    let expiry = s.now_us() + s.lifetime_us();
    s.access.insert(access.clone(), expiry);
    s.refresh.insert(refresh.clone());
    axum::Json(json!({
        "access_token": access,
        "token_type": "Bearer",
        "scope": scope,
        "expires_in": s.config.token_lifetime.as_secs(),
        "refresh_token": refresh,
    }))
    .into_response()
}

// ---- Web API ----

/// The bearer token's check: `401` with Spotify's messages.
fn bearer(s: &State, headers: &HeaderMap) -> Result<(), Response> {
    let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return Err(api_error(
            StatusCode::UNAUTHORIZED,
            "No token provided",
            None,
        ));
    };
    match s.access.get(token) {
        None => Err(api_error(
            StatusCode::UNAUTHORIZED,
            "Invalid access token",
            None,
        )),
        Some(&expiry) if s.now_us() >= expiry => Err(api_error(
            StatusCode::UNAUTHORIZED,
            "The access token expired",
            None,
        )),
        Some(_) => Ok(()),
    }
}

fn premium(s: &State) -> Result<(), Response> {
    if s.user.product == "premium" {
        Ok(())
    } else {
        Err(api_error(
            StatusCode::FORBIDDEN,
            "Player command failed: Premium required",
            Some("PREMIUM_REQUIRED"),
        ))
    }
}

/// The device a command is for: `device_id`, or the active one.
fn command_device(s: &State, device_id: Option<&String>) -> Result<usize, Response> {
    let index = match device_id {
        Some(id) => s
            .devices
            .iter()
            .position(|d| &d.info.id == id)
            .ok_or_else(|| api_error(StatusCode::NOT_FOUND, "Device not found", None))?,
        None => s.devices.iter().position(|d| d.active).ok_or_else(|| {
            api_error(
                StatusCode::NOT_FOUND,
                "Player command failed: No active device found",
                Some("NO_ACTIVE_DEVICE"),
            )
        })?,
    };
    if s.devices[index].info.restricted {
        return Err(api_error(
            StatusCode::FORBIDDEN,
            "Player command failed: Restriction violated",
            Some("UNKNOWN"),
        ));
    }
    Ok(index)
}

/// `204`, or `202` when scripted; with the extra delay a `202` means.
fn command_status(s: &mut State) -> (StatusCode, i64) {
    if s.accept_202 > 0 {
        s.accept_202 -= 1;
        (StatusCode::ACCEPTED, 300_000)
    } else {
        (StatusCode::NO_CONTENT, 0)
    }
}

fn make_active(s: &mut State, index: usize) {
    for (i, d) in s.devices.iter_mut().enumerate() {
        d.active = i == index;
    }
}

async fn me(Extract(st): Extract<Shared>, headers: HeaderMap) -> Response {
    let s = lock(&st);
    if let Err(r) = bearer(&s, &headers) {
        return r;
    }
    let u = &s.user;
    axum::Json(json!({
        "country": "SE",
        "display_name": u.display_name,
        "explicit_content": {"filter_enabled": false, "filter_locked": false},
        "external_urls": {"spotify": format!("https://open.spotify.com/user/{}", u.id)},
        "followers": {"href": null, "total": 3},
        "href": format!("https://api.spotify.com/v1/users/{}", u.id),
        "id": u.id,
        "images": [],
        "product": u.product,
        "type": "user",
        "uri": format!("spotify:user:{}", u.id),
    }))
    .into_response()
}

async fn devices(Extract(st): Extract<Shared>, headers: HeaderMap) -> Response {
    let s = lock(&st);
    if let Err(r) = bearer(&s, &headers) {
        return r;
    }
    let list: Vec<Value> = s.devices.iter().map(super::SimDevice::json).collect();
    axum::Json(json!({ "devices": list })).into_response()
}

async fn player_state(Extract(st): Extract<Shared>, headers: HeaderMap) -> Response {
    let mut s = lock(&st);
    if let Err(r) = bearer(&s, &headers) {
        return r;
    }
    let now = s.now_us();
    let noise = micros(s.config.progress_noise);
    let Some(index) = s.devices.iter().position(|d| d.active) else {
        return StatusCode::NO_CONTENT.into_response();
    };
    let d = s.devices[index].clone();
    let position = d.position_at(now).round() as i64;
    let reported = s.rng.around(position, noise);
    let item = d
        .track
        .as_ref()
        .and_then(|id| s.tracks.get(id))
        .map_or(Value::Null, super::FakeTrack::json);
    axum::Json(json!({
        "device": d.json(),
        "repeat_state": "off",
        "shuffle_state": false,
        "context": null,
        "timestamp": s.changed_unix_ms,
        "progress_ms": (reported + 500) / 1_000,
        "is_playing": d.is_playing_at(now),
        "item": item,
        "currently_playing_type": if d.track.is_some() { "track" } else { "unknown" },
        "actions": {"disallows": {"resuming": d.is_playing_at(now)}},
    }))
    .into_response()
}

async fn play(
    Extract(st): Extract<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let mut s = lock(&st);
    if let Err(r) = bearer(&s, &headers).and_then(|()| premium(&s)) {
        return r;
    }
    let index = match command_device(&s, q.get("device_id")) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let body: Value = if body.is_empty() {
        Value::Null
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(_) => {
                return api_error(StatusCode::BAD_REQUEST, "Malformed json", None);
            }
        }
    };
    let now = s.now_us();
    let position_us = body["position_ms"].as_i64().unwrap_or(0).max(0) * 1_000;
    let uri = body["uris"].get(0).and_then(Value::as_str);
    let (status, extra) = command_status(&mut s);
    let play_lag = micros(s.config.play_lag);
    let seek_lag = micros(s.config.seek_lag);
    let jitter = micros(s.config.lag_jitter);
    match uri {
        Some(uri) => {
            let track = uri
                .strip_prefix("spotify:track:")
                .and_then(|id| s.tracks.get(id))
                .cloned();
            let Some(track) = track else {
                return api_error(
                    StatusCode::BAD_REQUEST,
                    &format!("Invalid track uri: {uri}"),
                    None,
                );
            };
            let lag = s.rng.around(play_lag, jitter) + extra;
            make_active(&mut s, index);
            let d = &mut s.devices[index];
            d.track = Some(track.id.clone());
            d.duration_us = track.duration_ms * 1_000;
            d.set(now + lag, position_us as f64, true);
        }
        None => {
            // Resume where it is.
            if s.devices[index].track.is_none() {
                return api_error(
                    StatusCode::FORBIDDEN,
                    "Player command failed: Restriction violated",
                    Some("UNKNOWN"),
                );
            }
            let lag = s.rng.around(seek_lag, jitter) + extra;
            make_active(&mut s, index);
            let d = &mut s.devices[index];
            d.reanchor(now);
            let at = d.position_at(now);
            d.set(now + lag, at, true);
        }
    }
    s.touch();
    status.into_response()
}

async fn pause(
    Extract(st): Extract<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut s = lock(&st);
    if let Err(r) = bearer(&s, &headers).and_then(|()| premium(&s)) {
        return r;
    }
    let index = match command_device(&s, q.get("device_id")) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let now = s.now_us();
    if !s.devices[index].playing {
        return api_error(
            StatusCode::FORBIDDEN,
            "Player command failed: Restriction violated",
            Some("UNKNOWN"),
        );
    }
    let (status, _) = command_status(&mut s);
    let d = &mut s.devices[index];
    d.reanchor(now);
    d.anchor_us = now;
    d.playing = false;
    s.touch();
    status.into_response()
}

async fn seek(
    Extract(st): Extract<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut s = lock(&st);
    if let Err(r) = bearer(&s, &headers).and_then(|()| premium(&s)) {
        return r;
    }
    let Some(position_ms) = q.get("position_ms").and_then(|p| p.parse::<i64>().ok()) else {
        return api_error(
            StatusCode::BAD_REQUEST,
            "Missing or invalid position_ms",
            None,
        );
    };
    let index = match command_device(&s, q.get("device_id")) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let now = s.now_us();
    let (status, extra) = command_status(&mut s);
    let lag = {
        let (seek_lag, jitter) = (micros(s.config.seek_lag), micros(s.config.lag_jitter));
        s.rng.around(seek_lag, jitter) + extra
    };
    let d = &mut s.devices[index];
    let playing = d.playing;
    d.set(now + lag, (position_ms.max(0) * 1_000) as f64, playing);
    s.touch();
    status.into_response()
}

async fn transfer(Extract(st): Extract<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let mut s = lock(&st);
    if let Err(r) = bearer(&s, &headers).and_then(|()| premium(&s)) {
        return r;
    }
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let Some(id) = body["device_ids"].get(0).and_then(Value::as_str) else {
        return api_error(StatusCode::BAD_REQUEST, "Missing device_ids", None);
    };
    let Some(index) = s.devices.iter().position(|d| d.info.id == id) else {
        return api_error(StatusCode::NOT_FOUND, "Device not found", None);
    };
    let now = s.now_us();
    let play = body["play"].as_bool().unwrap_or(false);
    let from = s.devices.iter().position(|d| d.active);
    if let Some(from) = from.filter(|&f| f != index) {
        let old = s.devices[from].clone();
        let d = &mut s.devices[index];
        d.track = old.track.clone();
        d.duration_us = old.duration_us;
        d.set(now, old.position_at(now), play || old.playing);
        let o = &mut s.devices[from];
        o.reanchor(now);
        o.playing = false;
    }
    make_active(&mut s, index);
    s.touch();
    StatusCode::NO_CONTENT.into_response()
}

async fn track(
    Extract(st): Extract<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let s = lock(&st);
    if let Err(r) = bearer(&s, &headers) {
        return r;
    }
    if !is_spotify_id(&id) {
        return api_error(StatusCode::BAD_REQUEST, "Invalid base62 id", None);
    }
    match s.tracks.get(&id) {
        Some(t) => axum::Json(t.json()).into_response(),
        None => api_error(StatusCode::NOT_FOUND, "Resource not found", None),
    }
}
