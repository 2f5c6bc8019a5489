// The app's state: what Rust last said, plus a little UI state. Components read these signals;
// they change only through `applyEvent` (from Rust) and the small actions below.

import { computed, signal } from "@preact/signals";
import type { AppConfig } from "../ipc/config";
import type { DiscoveredRoom, NoticeLevel, RoomUiView, SessionView, Settings, TickView, UiEvent, YoutubeCommand } from "../ipc/types";
import { ProgressInterpolator } from "../progress/interpolate";
import { screenFor } from "../session/screen";
import { normalizeEvent } from "./events";

export const session = signal<SessionView>({ status: "idle", message: null, errorKind: null, retryInMs: null });
/** When the last session event arrived (`performance.now()`), for the reconnect countdown. */
export const sessionAt = signal(0);
export const room = signal<RoomUiView | null>(null);
export const tick = signal<TickView | null>(null);
export const discovery = signal<DiscoveredRoom[]>([]);
export const settings = signal<Settings | null>(null);
export const config = signal<AppConfig | null>(null);

export const settingsOpen = signal(false);
export const helpOpen = signal(false);

export const screen = computed(() => screenFor(session.value.status, room.value != null));

/** The progress bar's clock, fed by ticks. */
export const progress = new ProgressInterpolator();

export interface Toast {
  id: number;
  level: NoticeLevel;
  /** The notice's code (`file-added`, …), or the UI's own (`ui`, `copied`, a UiError kind, …). */
  kind: string;
  message: string;
}

export const toasts = signal<Toast[]>([]);
const MAX_TOASTS = 5;
let nextToast = 1;
const timers = new Map<number, ReturnType<typeof setTimeout>>();

/** How long a toast stays; errors stay until dismissed. */
export function toastLifetimeMs(level: NoticeLevel): number | null {
  return level === "error" ? null : level === "warning" ? 8000 : 5000;
}

export function toast(level: NoticeLevel, message: string, kind = "ui"): number {
  const same = toasts.value.find((t) => t.level === level && t.message === message);
  if (same) return same.id; // already on screen
  const id = nextToast++;
  let list = [...toasts.value, { id, level, kind, message }];
  while (list.length > MAX_TOASTS) {
    const drop = list.find((t) => t.level !== "error") ?? list[0]!;
    list = list.filter((t) => t !== drop);
    clearTimer(drop.id);
  }
  toasts.value = list;
  const life = toastLifetimeMs(level);
  if (life != null) timers.set(id, setTimeout(() => dismissToast(id), life));
  return id;
}

function clearTimer(id: number): void {
  const t = timers.get(id);
  if (t != null) clearTimeout(t);
  timers.delete(id);
}

export function dismissToast(id: number): void {
  clearTimer(id);
  toasts.value = toasts.value.filter((t) => t.id !== id);
}

type YoutubeListener = (cmd: YoutubeCommand) => void;
let youtubeListener: YoutubeListener | null = null;
/** Where `youtube` events go (the YouTube host). */
export function onYoutube(listener: YoutubeListener | null): void {
  youtubeListener = listener;
}

const now = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now());

/** Applies one event from Rust. Unknown shapes are ignored. */
export function applyEvent(raw: unknown): void {
  const incoming = normalizeEvent(raw);
  if (!incoming) return;
  const e: UiEvent = incoming.event;
  switch (e.kind) {
    case "session": {
      const { kind: _k, ...view } = e;
      session.value = view;
      sessionAt.value = now();
      if (view.status === "idle" || view.status === "failed" || view.status === "closed") {
        room.value = null;
        tick.value = null;
        progress.reset();
      }
      break;
    }
    case "room": {
      const { kind: _k, ...view } = e;
      room.value = view;
      break;
    }
    case "tick": {
      const { kind: _k, ...view } = e;
      progress.update(view, now());
      tick.value = view;
      break;
    }
    case "discovery":
      discovery.value = e.rooms;
      break;
    case "notice":
      toast(e.level, e.message, e.code);
      break;
    case "youtube": {
      const { kind: _k, ...cmd } = e;
      youtubeListener?.(cmd as YoutubeCommand);
      break;
    }
  }
}

/** For tests: back to a fresh start. */
export function resetStore(): void {
  session.value = { status: "idle", message: null, errorKind: null, retryInMs: null };
  sessionAt.value = 0;
  room.value = null;
  tick.value = null;
  discovery.value = [];
  settings.value = null;
  config.value = null;
  settingsOpen.value = false;
  helpOpen.value = false;
  for (const id of timers.keys()) clearTimer(id);
  toasts.value = [];
  progress.reset();
}
