//! Connecting an account: OAuth 2.0 Authorization Code with PKCE, in the system browser, with
//! the redirect to a loopback listener that lives only as long as the login.
//!
//! [`login`] binds `127.0.0.1:PORT`, opens the authorize URL through the app's `open_browser`
//! callback (tests follow it with an HTTP client instead), serves exactly one `/callback`,
//! checks its `state`, and stops listening, whatever the outcome, within the login's time limit.
//! Then it exchanges the code (with the PKCE verifier) for tokens. [`refresh`] renews them.

use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use tokio::sync::oneshot;
use url::Url;

use crate::api::retry_after;
use crate::config::{CALLBACK_PATH, SCOPES, SpotifyConfig};
use crate::error::{LoginError, SpotifyError};
use crate::pkce::{Pkce, random_state};
use crate::secret::Secret;
use crate::tokens::Tokens;

/// How long the listener may take to finish answering the browser once the login is decided.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// The URL the browser opens: Spotify's consent page for this app, this redirect, this PKCE
/// challenge and this state.
pub fn authorize_url(
    config: &SpotifyConfig,
    redirect_uri: &str,
    challenge: &str,
    state: &str,
) -> Result<Url, SpotifyError> {
    Url::parse_with_params(
        &config.accounts_url("/authorize"),
        [
            ("client_id", config.client_id.as_str()),
            ("response_type", "code"),
            ("redirect_uri", redirect_uri),
            ("code_challenge_method", "S256"),
            ("code_challenge", challenge),
            ("state", state),
            ("scope", SCOPES),
        ],
    )
    .map_err(|e| SpotifyError::Config(format!("authorize URL: {e}")))
}

/// Runs a whole login: listen, open the browser, wait for the one callback, exchange the code.
///
/// # Errors
/// See [`LoginError`]: a state mismatch, a denied consent, no answer in time, a browser that
/// would not open, a port in use, or a failed exchange.
pub async fn login<F>(
    config: &SpotifyConfig,
    http: &reqwest::Client,
    open_browser: F,
) -> Result<Tokens, LoginError>
where
    F: FnOnce(&Url) -> Result<(), String>,
{
    let port = config.redirect_port;
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .await
        .map_err(|e| LoginError::Bind(format!("127.0.0.1:{port} ({e})")))?;
    let port = listener
        .local_addr()
        .map_err(|e| LoginError::Bind(e.to_string()))?
        .port();
    let redirect_uri = config.redirect_uri(port);
    let pkce = Pkce::new()?;
    let state = random_state()?;
    let url = authorize_url(config, &redirect_uri, pkce.challenge(), &state)?;

    let (answer_tx, answer_rx) = oneshot::channel();
    let callback = CallbackState {
        answer: Arc::new(Mutex::new(Some(answer_tx))),
        state,
    };
    let app = Router::new()
        .route(CALLBACK_PATH, get(on_callback))
        .with_state(callback);
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stop_rx.await;
            })
            .await
    });
    tracing::info!(port, "spotify login: waiting for the browser");

    let outcome = match open_browser(&url) {
        Err(e) => Err(LoginError::Browser(e)),
        Ok(()) => match tokio::time::timeout(config.login_timeout, answer_rx).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(_)) | Err(_) => Err(LoginError::TimedOut),
        },
    };
    let _ = stop_tx.send(());
    let abort = server.abort_handle();
    if tokio::time::timeout(SHUTDOWN_GRACE, server).await.is_err() {
        abort.abort();
    }
    match &outcome {
        Ok(_) => tracing::info!("spotify login: consent given"),
        Err(e) => tracing::info!(kind = e.kind(), "spotify login: failed"),
    }
    let code = outcome?;
    Ok(exchange_code(http, config, &code, pkce.verifier(), &redirect_uri).await?)
}

type Answer = Result<Secret, LoginError>;

#[derive(Clone)]
struct CallbackState {
    /// Taken by the first callback: there is exactly one.
    answer: Arc<Mutex<Option<oneshot::Sender<Answer>>>>,
    state: String,
}

async fn on_callback(
    State(cb): State<CallbackState>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let Some(tx) = cb
        .answer
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take()
    else {
        return (
            StatusCode::GONE,
            page("This Spotify login is already over."),
        )
            .into_response();
    };
    let answer = judge(&params, &cb.state);
    let (status, text) = match &answer {
        Ok(_) => (
            StatusCode::OK,
            "Spotify is connected. You can close this tab and go back to Tandem.",
        ),
        Err(LoginError::Denied) => (
            StatusCode::OK,
            "Spotify access was not granted. You can close this tab; connect again from Tandem's settings whenever you like.",
        ),
        Err(LoginError::StateMismatch) => (
            StatusCode::BAD_REQUEST,
            "This answer does not belong to the login Tandem started, so it was ignored. Start the login again from Tandem.",
        ),
        Err(_) => (
            StatusCode::BAD_REQUEST,
            "Spotify did not complete the login. Go back to Tandem and try again.",
        ),
    };
    let _ = tx.send(answer);
    (status, page(text)).into_response()
}

/// What a callback's query says. The state is checked first: an answer that is not for this
/// login is not believed, whatever it says.
fn judge(params: &HashMap<String, String>, expected_state: &str) -> Answer {
    if params.get("state").map(String::as_str) != Some(expected_state) {
        return Err(LoginError::StateMismatch);
    }
    if let Some(error) = params.get("error") {
        return Err(if error == "access_denied" {
            LoginError::Denied
        } else {
            LoginError::Authorize(error.chars().take(100).collect())
        });
    }
    match params.get("code") {
        Some(code) if !code.is_empty() => Ok(Secret::new(code.clone())),
        _ => Err(LoginError::Authorize("no code in the answer".to_owned())),
    }
}

fn page(text: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Tandem · Spotify</title></head>\
         <body style=\"font-family: sans-serif; margin: 3em\"><p>{text}</p></body></html>"
    ))
}

/// The token endpoint's answer.
#[derive(Deserialize)]
struct TokenReply {
    access_token: String,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    scope: Option<String>,
}

/// The token endpoint's error (`{"error": "invalid_grant", "error_description": "..."}`).
#[derive(Deserialize)]
struct TokenError {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

/// Exchanges an authorization code (with the PKCE verifier) for tokens.
///
/// # Errors
/// [`SpotifyError::Unauthorized`] for a code Spotify does not accept (`invalid_grant`), or the
/// request's failure.
pub async fn exchange_code(
    http: &reqwest::Client,
    config: &SpotifyConfig,
    code: &Secret,
    verifier: &Secret,
    redirect_uri: &str,
) -> Result<Tokens, SpotifyError> {
    token_request(
        http,
        config,
        &[
            ("grant_type", "authorization_code"),
            ("code", code.expose()),
            ("redirect_uri", redirect_uri),
            ("client_id", &config.client_id),
            ("code_verifier", verifier.expose()),
        ],
    )
    .await
}

/// Renews the access token. Spotify may rotate the refresh token: the answer's replaces it,
/// and when the answer has none the old one is kept.
///
/// # Errors
/// [`SpotifyError::Unauthorized`] when the refresh token is no longer valid (revoked: the
/// account must be connected again), or the request's failure (kept tokens stay usable).
pub async fn refresh(
    http: &reqwest::Client,
    config: &SpotifyConfig,
    refresh_token: &Secret,
) -> Result<Tokens, SpotifyError> {
    let mut tokens = token_request(
        http,
        config,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.expose()),
            ("client_id", &config.client_id),
        ],
    )
    .await?;
    if tokens.refresh_token.is_none() {
        tokens.refresh_token = Some(refresh_token.clone());
    }
    Ok(tokens)
}

async fn token_request(
    http: &reqwest::Client,
    config: &SpotifyConfig,
    form: &[(&str, &str)],
) -> Result<Tokens, SpotifyError> {
    let resp = http
        .post(config.accounts_url("/api/token"))
        .form(form)
        .send()
        .await
        .map_err(|e| SpotifyError::network(&e))?;
    let status = resp.status();
    if status == StatusCode::TOO_MANY_REQUESTS {
        return Err(SpotifyError::RateLimited {
            retry_after: retry_after(resp.headers()),
        });
    }
    let body = resp.bytes().await.map_err(|e| SpotifyError::network(&e))?;
    if status.is_success() {
        let reply: TokenReply = serde_json::from_slice(&body)
            .map_err(|_| SpotifyError::Decode("token answer".to_owned()))?;
        return Ok(Tokens::new(
            Secret::new(reply.access_token),
            reply.refresh_token.map(Secret::new),
            Duration::from_secs(reply.expires_in.unwrap_or(3600)),
            reply.scope.unwrap_or_default(),
        ));
    }
    let error: Option<TokenError> = serde_json::from_slice(&body).ok();
    let (code, description) = error.map_or((String::new(), String::new()), |e| {
        (e.error, e.error_description.unwrap_or_default())
    });
    let description: String = description.chars().take(200).collect();
    Err(match (status.as_u16(), code.as_str()) {
        (400 | 401, "invalid_grant") => SpotifyError::Unauthorized,
        (400 | 401, "invalid_client") => SpotifyError::Config(format!(
            "Spotify does not accept this client id or redirect URI ({description})"
        )),
        (400, _) => SpotifyError::BadRequest(format!("{code}: {description}")),
        (s, _) => SpotifyError::Api {
            status: s,
            message: format!("{code} {description}").trim().to_owned(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn callbacks_are_judged_state_first() {
        assert!(
            matches!(judge(&q(&[("code", "c"), ("state", "s")]), "s"), Ok(c) if c.expose() == "c")
        );
        assert_eq!(
            judge(&q(&[("code", "c"), ("state", "x")]), "s").err(),
            Some(LoginError::StateMismatch)
        );
        assert_eq!(
            judge(&q(&[("error", "access_denied")]), "s").err(),
            Some(LoginError::StateMismatch)
        );
        assert_eq!(
            judge(&q(&[("error", "access_denied"), ("state", "s")]), "s").err(),
            Some(LoginError::Denied)
        );
        assert_eq!(
            judge(&q(&[("state", "s")]), "s").err().map(|e| e.kind()),
            Some("authorize")
        );
    }

    #[test]
    fn authorize_url_carries_pkce_and_state() -> Result<(), SpotifyError> {
        let c = SpotifyConfig::new("abc123")?;
        let url = authorize_url(&c, "http://127.0.0.1:43117/callback", "CH", "ST")?;
        let params: HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(url.path(), "/authorize");
        assert_eq!(
            params.get("code_challenge_method").map(String::as_str),
            Some("S256")
        );
        assert_eq!(params.get("code_challenge").map(String::as_str), Some("CH"));
        assert_eq!(params.get("state").map(String::as_str), Some("ST"));
        assert_eq!(
            params.get("response_type").map(String::as_str),
            Some("code")
        );
        assert_eq!(
            params.get("redirect_uri").map(String::as_str),
            Some("http://127.0.0.1:43117/callback")
        );
        Ok(())
    }
}
