// The one module that talks to Rust. Every command is a typed function here; the transport
// underneath is Tauri's IPC in the app, and something else in unit tests (`setTransport`) and in
// the `?demo` page.

import { Channel, invoke } from "@tauri-apps/api/core";
import type { AppConfig } from "./config";
import type {
  Control,
  ControlPolicy,
  DeviceChoice,
  HostRequest,
  JoinRequest,
  MemberId,
  Role,
  Settings,
  SongId,
  SpotifyDevice,
  SpotifyView,
  UiError,
  UiEvent,
  YoutubeReport,
} from "./types";

export interface Transport {
  /** Runs a command; rejects with whatever the backend rejects with (normalised by the caller). */
  invoke(cmd: string, args?: Record<string, unknown>): Promise<unknown>;
  /** Calls `subscribe` with a channel that hands every event to `onEvent`. */
  subscribe(onEvent: (event: UiEvent) => void): Promise<void>;
}

/** Tauri injects this global into its webviews; plain browsers and tests lack it. */
export function hasTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

const NO_BACKEND: UiError = {
  kind: "no-backend",
  message: "Tandem's engine is not available: this page is running outside the Tandem app.",
};

/** Used outside the app: every command fails with a clear message. */
export const offlineTransport: Transport = {
  invoke: () => Promise.reject(NO_BACKEND),
  subscribe: () => Promise.reject(NO_BACKEND),
};

function tauriTransport(): Transport {
  return {
    invoke: (cmd, args) => invoke(cmd, args),
    subscribe: async (onEvent) => {
      const channel = new Channel<UiEvent>();
      channel.onmessage = onEvent;
      await invoke("subscribe", { onEvent: channel });
    },
  };
}

let transport: Transport | null = null;

/** Replaces the transport (tests, the demo page). */
export function setTransport(t: Transport): void {
  transport = t;
}

function current(): Transport {
  if (transport == null) transport = hasTauri() ? tauriTransport() : offlineTransport;
  return transport;
}

/** Whatever a command rejected with, as a `UiError` with a message fit to show. */
export function toUiError(e: unknown): UiError {
  if (e != null && typeof e === "object") {
    const o = e as Record<string, unknown>;
    if (typeof o.message === "string" && o.message.trim() !== "") {
      return { kind: typeof o.kind === "string" ? o.kind : "error", message: o.message };
    }
  }
  if (typeof e === "string" && e.trim() !== "") return { kind: "error", message: e };
  return { kind: "error", message: "Something went wrong. Please try again." };
}

export function isUiError(e: unknown): e is UiError {
  return e != null && typeof e === "object" && typeof (e as UiError).kind === "string" && typeof (e as UiError).message === "string";
}

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  const t = current();
  try {
    return (await t.invoke(cmd, args)) as T;
  } catch (e) {
    throw toUiError(e);
  }
}

export async function subscribe(onEvent: (event: UiEvent) => void): Promise<void> {
  const t = current();
  try {
    await t.subscribe(onEvent);
  } catch (e) {
    throw toUiError(e);
  }
}

export const appConfig = () => call<AppConfig>("app_config");
export const getSettings = () => call<Settings>("get_settings");
export const saveSettings = (settings: Settings) => call<Settings>("save_settings", { settings });
export const listOutputDevices = () => call<string[]>("list_output_devices");

export const hostRoom = (request: HostRequest) => call<void>("host_room", { request });
export const joinRoom = (request: JoinRequest) => call<void>("join_room", { request });
export const openLink = (link: string) => call<void>("open_link", { link });
export const leaveRoom = () => call<void>("leave_room");
export const closeRoom = () => call<void>("close_room");

export const control = (c: Control) => call<void>("control", { control: c });
export const addLink = (url: string) => call<void>("add_link", { url });
export const addFiles = (paths: string[]) => call<void>("add_files", { paths });
export const chooseFiles = () => call<void>("choose_files");
export const vote = (songId: SongId, v: -1 | 0 | 1) => call<void>("vote", { songId, vote: v });
export const reorder = (songId: SongId, toIndex: number) => call<void>("reorder", { songId, toIndex });
export const removeSong = (songId: SongId) => call<void>("remove_song", { songId });
export const chat = (text: string) => call<void>("chat", { text });
export const setRole = (memberId: MemberId, role: Role) => call<void>("set_role", { memberId, role });
export const transferHost = (memberId: MemberId) => call<void>("transfer_host", { memberId });
export const setPolicy = (policy: ControlPolicy) => call<void>("set_policy", { policy });

export const youtubeReport = (report: YoutubeReport) => call<void>("youtube_report", { report });

/** Opens a YouTube search for `query` in the system browser (the labelled fallback for a Spotify song that is silent here). */
export const openYoutubeSearch = (query: string) => call<void>("open_youtube_search", { query });

export const spotifyState = () => call<SpotifyView>("spotify_state");
/** Opens the system browser for Spotify's consent; resolves when the login completes (can take minutes). */
export const spotifyConnect = (clientId: string) => call<SpotifyView>("spotify_connect", { clientId });
export const spotifyDisconnect = () => call<SpotifyView>("spotify_disconnect");
export const spotifyDevices = () => call<SpotifyDevice[]>("spotify_devices");
export const spotifyChooseDevice = (choice: DeviceChoice) => call<SpotifyView>("spotify_choose_device", { choice });
