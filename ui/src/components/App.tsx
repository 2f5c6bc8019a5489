import { useEffect } from "preact/hooks";
import { playbackControls } from "../controls/controls";
import * as api from "../ipc/client";
import type { Theme } from "../ipc/types";
import { isTypingTarget, SEEK_STEP_US, seekBy, shortcutFor, spaceActivates, type ShortcutAction } from "../keyboard/shortcuts";
import { run } from "../state/actions";
import { helpOpen, progress, room, screen, settings, settingsOpen, tick } from "../state/store";
import { ConnectionBanner, Connecting } from "./Banner";
import { closeTopDialog, dialogOpen } from "./Dialog";
import { HelpOverlay } from "./Help";
import { Home, NameGate } from "./Home";
import { GearIcon, HelpIcon, MusicIcon } from "./icons";
import { ADD_LINK_INPUT_ID } from "./Queue";
import { RoomHeader, RoomScreen } from "./Room";
import { SettingsDialog } from "./Settings";
import { Toasts } from "./Toasts";

/** Puts the theme on <html data-theme>; "system" leaves it to prefers-color-scheme. */
export function applyTheme(theme: Theme | undefined): void {
  const root = document.documentElement;
  if (theme === "light" || theme === "dark") root.dataset.theme = theme;
  else delete root.dataset.theme;
}

/** Carries out a keyboard shortcut; returns whether it was used. */
export function perform(action: ShortcutAction): boolean {
  const r = room.value;
  const t = tick.value;
  const c = playbackControls(r, t);
  switch (action) {
    case "close-dialog":
      return closeTopDialog();
    case "open-settings":
      settingsOpen.value = true;
      return true;
    case "toggle-help":
      helpOpen.value = !helpOpen.value;
      return true;
    case "focus-add-link": {
      const el = document.getElementById(ADD_LINK_INPUT_ID) as HTMLInputElement | null;
      if (!el) return false;
      el.focus();
      el.select();
      return true;
    }
    case "toggle-play": {
      if (!r?.nowPlaying || !c.playPause.enabled) return false;
      const playing = t && t.songId === r.nowPlaying.song.id ? t.isPlaying : r.nowPlaying.isPlaying;
      void run(api.control(playing ? { kind: "pause" } : { kind: "resume" }));
      return true;
    }
    case "seek-back":
    case "seek-forward": {
      if (!r?.nowPlaying || !c.seek.enabled) return false;
      const duration = t?.durationUs ?? r.nowPlaying.song.durationUs ?? null;
      const delta = action === "seek-back" ? -SEEK_STEP_US : SEEK_STEP_US;
      void run(api.control({ kind: "seek", positionUs: seekBy(progress.sample(performance.now()), delta, duration) }));
      return true;
    }
    case "next":
      if (!c.next.enabled) return false;
      void run(api.control({ kind: "next" }));
      return true;
  }
}

function onKeyDown(e: KeyboardEvent): void {
  if (e.defaultPrevented || e.isComposing) return;
  const target = document.activeElement;
  const action = shortcutFor(e, isTypingTarget(target));
  if (!action) return;
  const modal = dialogOpen();
  if (modal && action !== "close-dialog" && action !== "toggle-help" && action !== "open-settings") return;
  if (action === "toggle-play" && spaceActivates(target)) return;
  if (action === "toggle-help" && modal && !helpOpen.value) return;
  if (perform(action)) e.preventDefault();
}

export function App() {
  const s = settings.value;
  const scr = screen.value;
  const r = room.value;

  useEffect(() => applyTheme(s?.theme), [s?.theme]);
  useEffect(() => {
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);

  const needsName = s != null && s.displayName.trim() === "" && scr === "home";

  return (
    <div class="app" data-screen={scr}>
      <header class="topbar">
        <div class="brand" aria-label="Tandem">
          <span class="brand-mark" aria-hidden="true">
            <MusicIcon size={16} />
          </span>
          <span class="brand-name">Tandem</span>
        </div>
        {scr === "room" && r ? <RoomHeader room={r} /> : <div class="spacer" />}
        <div class="topbar-actions">
          <button type="button" class="icon-btn" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" data-testid="open-help" onClick={() => (helpOpen.value = true)}>
            <HelpIcon />
          </button>
          <button type="button" class="icon-btn" aria-label="Settings" title="Settings (Ctrl+,)" data-testid="open-settings" onClick={() => (settingsOpen.value = true)}>
            <GearIcon />
          </button>
        </div>
      </header>
      {scr === "room" && <ConnectionBanner />}
      {needsName ? <NameGate /> : scr === "home" ? <Home /> : scr === "connecting" ? <Connecting /> : <RoomScreen />}
      {settingsOpen.value && <SettingsDialog />}
      {helpOpen.value && <HelpOverlay />}
      <Toasts />
    </div>
  );
}
