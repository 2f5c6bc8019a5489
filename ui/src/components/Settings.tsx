import { useEffect, useState } from "preact/hooks";
import * as api from "../ipc/client";
import type { ControlPolicy, Settings, SpotifyView, Theme } from "../ipc/types";
import { config, settings as settingsSignal, settingsOpen, toast } from "../state/store";
import { Dialog } from "./Dialog";
import { POLICY_OPTIONS, THEME_OPTIONS } from "./labels";
import { SpotifySection } from "./Spotify";

export function SettingsDialog() {
  const saved = settingsSignal.value;
  const close = () => (settingsOpen.value = false);
  if (!saved) {
    return (
      <Dialog title="Settings" testid="settings" onClose={close}>
        <div class="dialog-body">
          <p class="muted">The settings are not available right now.</p>
        </div>
      </Dialog>
    );
  }
  return <SettingsForm saved={saved} onClose={close} />;
}

function SettingsForm({ saved, onClose }: { saved: Settings; onClose: () => void }) {
  const [draft, setDraft] = useState<Settings>(saved);
  const [port, setPort] = useState(String(saved.hostPort));
  const [devices, setDevices] = useState<string[] | null>(null);
  const [devicesError, setDevicesError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.listOutputDevices().then(setDevices, (e) => setDevicesError(api.toUiError(e).message));
  }, []);

  const set = <K extends keyof Settings>(k: K, v: Settings[K]) => setDraft({ ...draft, [k]: v });

  // Connecting Spotify or choosing its device changes these settings in Rust at once: keep Save
  // from writing the old ones back.
  const spotifyChanged = (v: SpotifyView) => {
    const patch = { spotifyClientId: v.clientId, spotifyDevice: v.device };
    setDraft((d) => ({ ...d, ...patch }));
    if (settingsSignal.value) settingsSignal.value = { ...settingsSignal.value, ...patch };
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    const n = Number(port);
    if (!/^\d+$/.test(port.trim()) || n < 0 || n > 65535) return setError("The port is a number from 0 to 65535 (0: any free port).");
    if (draft.displayName.trim() === "") return setError("Your name cannot be empty.");
    setBusy(true);
    setError(null);
    try {
      settingsSignal.value = await api.saveSettings({ ...draft, displayName: draft.displayName.trim(), hostPort: n });
      toast("info", "Settings saved.", "settings-saved");
      onClose();
    } catch (err) {
      setError(api.toUiError(err).message);
    } finally {
      setBusy(false);
    }
  };

  const deviceList = devices ?? [];
  const missing = draft.outputDevice != null && !deviceList.includes(draft.outputDevice);
  const version = config.value?.version;

  return (
    <Dialog title="Settings" testid="settings" onClose={onClose}>
      <form class="dialog-body settings-form" onSubmit={submit} id="settings-form">
        <label class="field">
          <span>Your name</span>
          <input type="text" value={draft.displayName} maxLength={40} required onInput={(e) => set("displayName", e.currentTarget.value)} data-testid="settings-name" data-autofocus />
        </label>
        <label class="field">
          <span>Play through</span>
          <select
            value={draft.outputDevice ?? ""}
            onChange={(e) => set("outputDevice", e.currentTarget.value === "" ? null : e.currentTarget.value)}
            data-testid="settings-output"
          >
            <option value="">System default</option>
            {deviceList.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
            {missing && <option value={draft.outputDevice!}>{draft.outputDevice} (not connected)</option>}
          </select>
          {devices == null && !devicesError && <small class="muted">Looking for devices…</small>}
          {devicesError && <small class="form-error">{devicesError}</small>}
        </label>
        <label class="field">
          <span>Who may control playback in rooms you host</span>
          <select value={draft.defaultPolicy} onChange={(e) => set("defaultPolicy", e.currentTarget.value as ControlPolicy)} data-testid="settings-policy">
            {POLICY_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>Appearance</span>
          <select value={draft.theme} onChange={(e) => set("theme", e.currentTarget.value as Theme)} data-testid="settings-theme">
            {THEME_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <label class="check">
          <input type="checkbox" checked={draft.notifyWhenHidden} onChange={(e) => set("notifyWhenHidden", e.currentTarget.checked)} data-testid="settings-notify" />
          <span>Notify me when the song changes while Tandem is hidden</span>
        </label>
        <label class="field">
          <span>Port for hosting</span>
          <input type="text" inputMode="numeric" value={port} onInput={(e) => setPort(e.currentTarget.value)} data-testid="settings-port" aria-describedby="port-help" />
          <small id="port-help" class="muted">
            Rooms you host listen on this port (0: any free port). Keep it fixed so links stay valid.
          </small>
        </label>
        <SpotifySection onView={spotifyChanged} />
        {error && (
          <p class="form-error" role="alert" data-testid="settings-error">
            {error}
          </p>
        )}
      </form>
      <footer class="dialog-foot">
        {version && (
          <span class="muted small foot-left" data-testid="settings-version">
            Tandem {version}
          </span>
        )}
        <button type="button" class="btn" onClick={onClose} data-testid="settings-cancel">
          Cancel
        </button>
        <button type="submit" form="settings-form" class="btn btn-primary" disabled={busy} data-testid="settings-save">
          {busy ? "Saving…" : "Save"}
        </button>
      </footer>
    </Dialog>
  );
}
