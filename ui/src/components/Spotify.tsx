import { useEffect, useRef, useState } from "preact/hooks";
import * as api from "../ipc/client";
import type { SpotifyDevice, SpotifyView } from "../ipc/types";
import { checkClientId } from "../spotify/clientId";
import { choiceToValue, deviceOptions, valueToChoice } from "../spotify/device";
import { spotifyStatusLabel, spotifyTone } from "../spotify/status";
import { copyWithToast } from "../state/actions";
import { CopyIcon } from "./icons";

// A login still under way when the settings dialog closes: reopening the dialog waits for it again.
let pendingConnect: Promise<SpotifyView> | null = null;

const isView = (v: unknown): v is SpotifyView => v != null && typeof v === "object" && typeof (v as SpotifyView).status === "string";

/**
 * The Settings dialog's Spotify section. It acts right away (not on Save): Rust keeps the login,
 * and stores the client id and device in the settings; `onView` hands each new state over so the
 * dialog's draft settings keep them.
 */
export function SpotifySection({ onView }: { onView?: (view: SpotifyView) => void }) {
  const [view, setView] = useState<SpotifyView | null>(null);
  const [clientId, setClientId] = useState("");
  const [idError, setIdError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [waiting, setWaiting] = useState(false);
  const [devices, setDevices] = useState<SpotifyDevice[] | null>(null);
  const [loadingDevices, setLoadingDevices] = useState(false);
  const [busy, setBusy] = useState(false);
  const idInput = useRef<HTMLInputElement>(null);

  const show = (v: unknown) => {
    if (!isView(v)) return;
    setView(v);
    setClientId((c) => (c === "" ? v.clientId : c));
    onView?.(v);
  };
  const fail = (e: unknown) => setError(api.toUiError(e).message);

  const follow = async (p: Promise<SpotifyView>) => {
    setWaiting(true);
    try {
      show(await p);
    } catch (e) {
      fail(e);
    } finally {
      if (pendingConnect === p) pendingConnect = null;
      setWaiting(false);
    }
  };

  useEffect(() => {
    if (pendingConnect) void follow(pendingConnect);
    api.spotifyState().then(show, fail);
  }, []);

  const loadDevices = async () => {
    setLoadingDevices(true);
    try {
      const list = await api.spotifyDevices();
      setDevices(Array.isArray(list) ? list : []);
    } catch (e) {
      fail(e);
    } finally {
      setLoadingDevices(false);
    }
  };

  const connected = view?.connected === true;
  useEffect(() => {
    setDevices(null);
    if (connected) void loadDevices();
  }, [connected]);

  // Connecting elsewhere (a login started before this page loaded): follow Rust's state.
  const connectingElsewhere = view?.status === "connecting" && !waiting;
  useEffect(() => {
    if (!connectingElsewhere) return;
    const t = setInterval(() => api.spotifyState().then(show, () => {}), 2000);
    return () => clearInterval(t);
  }, [connectingElsewhere]);

  const connect = () => {
    // The field itself: a paste followed at once by a click may not have re-rendered yet.
    const check = checkClientId(idInput.current?.value ?? clientId);
    if (!check.ok) return setIdError(check.message);
    setIdError(null);
    setError(null);
    setClientId(check.clientId);
    pendingConnect = api.spotifyConnect(check.clientId);
    void follow(pendingConnect);
  };

  const apply = async (p: () => Promise<SpotifyView>) => {
    setBusy(true);
    setError(null);
    try {
      show(await p());
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  const refresh = () => {
    setError(null);
    void loadDevices();
    api.spotifyState().then(show, () => {});
  };

  const showWaiting = waiting || connectingElsewhere;

  return (
    <fieldset class="settings-section" data-testid="spotify-section">
      <legend>Spotify</legend>
      <div class="settings-section-body">
        <p class="muted small">
          Spotify songs play in your own Spotify app (on this computer, your phone or a speaker), which Tandem keeps in step with the room. Changes here apply right
          away.
        </p>
        {view == null && !error && <p class="muted small">Checking Spotify…</p>}
        {view && connected && (
          <>
            <p data-testid="spotify-account">
              Connected as <strong>{view.account ?? "your Spotify account"}</strong>
            </p>
            <SpotifyStatus view={view} />
            <div class="field">
              <label for="spotify-device">Play Spotify songs on</label>
              <div class="row">
                <select
                  id="spotify-device"
                  value={choiceToValue(view.device)}
                  disabled={busy}
                  onChange={(e) => {
                    const choice = valueToChoice(e.currentTarget.value, devices, view.device);
                    void apply(() => api.spotifyChooseDevice(choice));
                  }}
                  data-testid="spotify-device-select"
                >
                  {deviceOptions(devices, view.device).map((o) => (
                    <option key={o.value} value={o.value} disabled={o.disabled}>
                      {o.label}
                    </option>
                  ))}
                </select>
                <button type="button" class="btn" onClick={refresh} disabled={loadingDevices} data-testid="spotify-devices-refresh">
                  {loadingDevices ? "Looking…" : "Refresh"}
                </button>
              </div>
              {devices == null && loadingDevices && <small class="muted">Looking for devices…</small>}
              {devices?.length === 0 && <small class="muted">No Spotify device is online: open Spotify on this computer, your phone or a speaker, then press Refresh.</small>}
            </div>
            <div class="spotify-disconnect">
              <button type="button" class="btn btn-danger-quiet" disabled={busy} onClick={() => void apply(api.spotifyDisconnect)} data-testid="spotify-disconnect">
                Disconnect
              </button>
              <small class="muted">
                Tandem forgets the login on this computer. To revoke its access completely, remove it at <code>spotify.com/account/apps</code>.
              </small>
            </div>
          </>
        )}
        {view && !connected && (
          <>
            <SpotifyStatus view={view} />
            <ol class="spotify-guide" data-testid="spotify-guide">
              <li>
                Create an app at <code>developer.spotify.com/dashboard</code> (any name; tick <em>Web API</em>).
              </li>
              <li>
                Under <em>Redirect URIs</em>, add this address exactly:
                <div class="row">
                  <input type="text" class="mono" readOnly value={view.redirectUri} aria-label="Redirect URI" onFocus={(e) => e.currentTarget.select()} data-testid="spotify-redirect-uri" />
                  <button type="button" class="icon-btn" aria-label="Copy the redirect URI" title="Copy the redirect URI" onClick={() => void copyWithToast(view.redirectUri, "Redirect URI")} data-testid="spotify-copy-redirect">
                    <CopyIcon />
                  </button>
                </div>
              </li>
              <li>
                <label for="spotify-client-id">
                  Paste the app's <em>Client ID</em> here (not the Client secret):
                </label>
                <div class="row">
                  <input
                    id="spotify-client-id"
                    ref={idInput}
                    type="text"
                    class="mono"
                    value={clientId}
                    placeholder="32 characters, 0–9 and a–f"
                    spellcheck={false}
                    autocomplete="off"
                    disabled={showWaiting}
                    aria-invalid={idError != null}
                    aria-describedby={idError ? "spotify-client-id-error" : undefined}
                    onInput={(e) => {
                      setClientId(e.currentTarget.value);
                      setIdError(null);
                    }}
                    onKeyDown={(e) => {
                      // Enter connects here; it must not submit (and close) the settings form.
                      if (e.key === "Enter") {
                        e.preventDefault();
                        connect();
                      }
                    }}
                    data-testid="spotify-client-id"
                  />
                  <button type="button" class="btn" onClick={connect} disabled={showWaiting} data-testid="spotify-connect">
                    Connect Spotify
                  </button>
                </div>
                {idError && (
                  <small id="spotify-client-id-error" class="form-error" data-testid="spotify-client-id-error">
                    {idError}
                  </small>
                )}
              </li>
            </ol>
            {showWaiting && (
              <div class="spotify-waiting" role="status" data-testid="spotify-waiting">
                <span class="spinner" aria-hidden="true" />
                <div>
                  <strong>Waiting for Spotify in your browser…</strong>
                  <p class="muted small">Log in there and press Agree; Tandem carries on by itself. This can take a few minutes.</p>
                </div>
              </div>
            )}
            <p class="muted small">
              Spotify lets only Premium accounts control playback. An app in development mode works only for the few users its owner adds, so each listener can
              create their own app and use its Client ID.
            </p>
          </>
        )}
        {error && (
          <p class="form-error" role="alert" data-testid="spotify-error">
            {error}
          </p>
        )}
      </div>
    </fieldset>
  );
}

function SpotifyStatus({ view }: { view: SpotifyView }) {
  return (
    <p class={`spotify-status tone-${spotifyTone(view.status)}`} data-testid="spotify-status" data-status={view.status}>
      <strong>{spotifyStatusLabel(view.status)}</strong>
      {view.message && <span>{view.message}</span>}
    </p>
  );
}
