// The `?demo` page: a stand-in for Rust that feeds sample data (shaped like the IPC fixtures, see
// sample.ts) and answers commands in a
// simple way, so the screens can be seen and tried in a plain browser. Loaded only by a dynamic
// import from main.tsx when the URL asks for it (never inside the app).
//
// Modes (`?demo=`): home (default), firstrun, failed, connecting, reconnecting, room, listener,
// empty, settings, help. `&theme=light|dark` sets the theme setting; `&spotify=connected` starts
// with Spotify connected (otherwise it is not set up; connecting succeeds after a second).

import fakeYoutubeApiUrl from "../../test/fake-youtube-iframe-api.js?url";
import { setTransport, type Transport } from "../ipc/client";
import type { Control, DeviceChoice, QueueItemView, RoomUiView, Settings, SessionView, SpotifyDevice, SpotifyView, TickView, UiEvent } from "../ipc/types";
import { sampleDiscovery, sampleRoom, sampleSettings, sampleTick } from "./sample";

export interface DemoOptions {
  openSettings: boolean;
  openHelp: boolean;
}

const DEMO_SPOTIFY_DEVICES: SpotifyDevice[] = [
  { id: "5fbb3ba6aa454b5534c4ba43a8c7e8e45a63ad0e", name: "Ada's laptop", kind: "Computer", isActive: true, usable: true },
  { id: "e5a2f3c1b0d94e7f8a6b5c4d3e2f1a0b9c8d7e6f", name: "Kitchen speaker", kind: "Speaker", isActive: false, usable: true },
];

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const fail = (kind: string, message: string) => Promise.reject({ kind, message });

export function installDemo(mode: string, params: URLSearchParams): DemoOptions {
  // Tell the fake YouTube player the songs' real lengths.
  const durations: Record<string, number> = {};
  const songs = [sampleRoom.nowPlaying!.song, ...sampleRoom.queue.map((q) => q.entry.song)];
  for (const s of songs) if (s.source.kind === "youtube") durations[s.source.videoId] = (s.durationUs ?? 0) / 1e6;
  (window as unknown as { __fakeYouTube?: object }).__fakeYouTube = { durations };
  const demo = new Demo(mode, params.get("theme"), params.get("spotify") === "connected");
  setTransport(demo);
  return { openSettings: mode === "settings", openHelp: mode === "help" };
}

class Demo implements Transport {
  private emit: (e: UiEvent) => void = () => {};
  private settings: Settings;
  private room: RoomUiView | null = null;
  private tick: TickView = clone(sampleTick);
  private startedAt = performance.now();
  private pausedAt: number | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private nextId = 100;
  private spotify: SpotifyView = {
    clientId: "",
    redirectUri: "http://127.0.0.1:43117/callback",
    connected: false,
    account: null,
    status: "not-configured",
    message: "Spotify is not set up on this computer: follow the three steps below.",
    device: { kind: "auto" },
  };

  constructor(
    private readonly mode: string,
    theme: string | null,
    spotifyConnected: boolean,
  ) {
    this.settings = clone(sampleSettings);
    if (spotifyConnected) this.spotifyConnected("0123456789abcdef0123456789abcdef");
    if (theme === "light" || theme === "dark") this.settings.theme = theme;
    if (mode === "firstrun") this.settings.displayName = "";
  }

  async subscribe(onEvent: (e: UiEvent) => void): Promise<void> {
    this.emit = onEvent;
    setTimeout(() => this.start(), 0);
  }

  private session(status: SessionView["status"], extra: Partial<SessionView> = {}): void {
    this.emit({ kind: "session", status, message: null, errorKind: null, retryInMs: null, ...extra });
  }

  private start(): void {
    const m = this.mode;
    if (m === "home" || m === "firstrun" || m === "failed") {
      if (m === "failed") {
        this.session("failed", { message: "Wrong password for “Study beats”. Ask the host for it and try again.", errorKind: "wrong-password" });
      } else this.session("idle");
      this.emit({ kind: "discovery", rooms: clone(sampleDiscovery) });
      return;
    }
    if (m === "connecting") {
      this.session("connecting", { message: "Connecting to 192.168.1.31:7878…" });
      return;
    }
    this.enterRoom();
    if (m === "reconnecting") {
      const again = () => this.session("reconnecting", { message: "Lost the connection to the host.", retryInMs: 3000 });
      again();
      setInterval(again, 3000);
    }
    if (m === "room") {
      setTimeout(() => this.emit({ kind: "notice", level: "info", code: "song-added", message: "Grace added “Midnight City”." }), 600);
    }
  }

  private enterRoom(): void {
    const r: RoomUiView = clone(sampleRoom);
    if (this.mode === "listener") {
      r.me = { memberId: 3, role: "listener", name: "Linus" };
      r.members = r.members.map((x) => (x.id === 3 ? { ...x, connected: true } : x));
      r.canControl = false;
      r.controlReason = "Only the host and DJs control playback in this room.";
      r.hosting = false;
      r.share = null;
      const spotify = r.queue.find((q) => q.entry.song.source.kind === "spotify")!;
      r.nowPlaying = { song: spotify.entry.song, cover: null, isPlaying: true, waiting: false };
      r.queue = r.queue.filter((q) => q !== spotify);
      r.queue = r.queue.map((q) => ({ ...q, myVote: 0 }));
      this.tick = {
        ...this.tick,
        songId: spotify.entry.song.id,
        durationUs: spotify.entry.song.durationUs ?? null,
        sync: { ...this.tick.sync, state: "correcting", correction: "trim", label: "correcting: nudging the speed", errorUs: 3400 },
        player: { kind: "spotify", note: "Spotify songs play in your own Spotify app: Spotify is not connected on this computer, so this one is silent here." },
      };
    }
    if (this.mode === "empty") {
      r.queue = [];
      r.nowPlaying = null;
      r.chat = [];
      r.members = r.members.slice(0, 1);
      r.memberCount = 1;
      this.tick = { ...this.tick, songId: null, positionUs: 0, durationUs: null, isPlaying: false, sync: { ...this.tick.sync, state: "measuring", label: "measuring…" }, player: { kind: "none", note: null } };
    }
    this.room = r;
    this.startedAt = performance.now() - this.tick.positionUs / 1000;
    this.pausedAt = this.tick.isPlaying ? null : performance.now();
    this.session("in-room");
    this.pushRoom();
    this.startTicks();
    this.youtubeFollow();
  }

  private position(): number {
    const at = this.pausedAt ?? performance.now();
    return Math.max(0, (at - this.startedAt) * 1000);
  }

  private startTicks(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = setInterval(() => {
      if (!this.room) return;
      const np = this.room.nowPlaying;
      let pos = this.position();
      if (np?.song.durationUs && pos >= np.song.durationUs) {
        this.next();
        pos = this.position();
      }
      this.tick = { ...this.tick, songId: this.room.nowPlaying?.song.id ?? null, positionUs: Math.round(pos), isPlaying: this.pausedAt == null && np != null };
      this.emit({ kind: "tick", ...this.tick });
    }, 100);
  }

  private pushRoom(): void {
    if (!this.room) return;
    const playing = this.pausedAt == null;
    if (this.room.nowPlaying) this.room.nowPlaying = { ...this.room.nowPlaying, isPlaying: playing };
    this.room.memberCount = this.room.members.length;
    this.emit({ kind: "room", ...clone(this.room) });
  }

  private youtubeFollow(): void {
    const np = this.room?.nowPlaying;
    if (!np || np.song.source.kind !== "youtube") {
      this.emit({ kind: "youtube", op: "stop" });
      return;
    }
    const s = this.position() / 1e6;
    this.emit({ kind: "youtube", op: "load", videoId: np.song.source.videoId, positionS: s });
    if (this.pausedAt == null) this.emit({ kind: "youtube", op: "play", positionS: s + 0.2, inMs: 200 });
  }

  private next(): void {
    if (!this.room) return;
    const [first, ...rest] = this.room.queue;
    this.room.nowPlaying = first ? { song: first.entry.song, cover: null, isPlaying: true, waiting: false } : null;
    this.room.queue = rest;
    this.startedAt = performance.now();
    this.pausedAt = first ? null : performance.now();
    this.tick = { ...this.tick, durationUs: first?.entry.song.durationUs ?? null, player: { kind: first ? (first.entry.song.source.kind === "local" ? "local" : first.entry.song.source.kind) : "none", note: null } };
    this.pushRoom();
    this.youtubeFollow();
  }

  private control(c: Control): void {
    if (!this.room) return;
    switch (c.kind) {
      case "pause":
        if (this.pausedAt == null) this.pausedAt = performance.now();
        this.emit({ kind: "youtube", op: "pause" });
        break;
      case "resume":
        if (this.pausedAt != null) {
          this.startedAt += performance.now() - this.pausedAt;
          this.pausedAt = null;
          this.emit({ kind: "youtube", op: "play", positionS: this.position() / 1e6 + 0.2, inMs: 200 });
        }
        break;
      case "seek":
        this.startedAt = (this.pausedAt ?? performance.now()) - c.positionUs / 1000;
        this.emit({ kind: "youtube", op: "seek", positionS: c.positionUs / 1e6 });
        break;
      case "next":
        this.next();
        return;
      case "play-now": {
        const i = this.room.queue.findIndex((q) => q.entry.song.id === c.songId);
        if (i > 0) this.room.queue.unshift(...this.room.queue.splice(i, 1));
        this.next();
        return;
      }
    }
    this.pushRoom();
  }

  /** Sets the Spotify state, keeping the settings' copy of the client id and device (as Rust does). */
  private setSpotify(patch: Partial<SpotifyView>): SpotifyView {
    this.spotify = { ...this.spotify, ...patch };
    this.settings = { ...this.settings, spotifyClientId: this.spotify.clientId, spotifyDevice: this.spotify.device };
    return clone(this.spotify);
  }

  private spotifyConnected(clientId: string): SpotifyView {
    return this.setSpotify({ clientId, connected: true, account: "Ada", status: "ready", message: "Spotify songs play on the device that is active in Spotify." });
  }

  private spotifyChoose(choice: DeviceChoice): SpotifyView {
    const where = choice.kind === "id" ? choice.name : "the device that is active in Spotify";
    return this.setSpotify({ device: choice, message: `Spotify songs play on ${where}.` });
  }

  private find(songId: number): QueueItemView | undefined {
    return this.room?.queue.find((q) => q.entry.song.id === songId);
  }

  async invoke(cmd: string, args: Record<string, unknown> = {}): Promise<unknown> {
    const a = args as Record<string, never>;
    switch (cmd) {
      case "app_config":
        return { youtubeApiUrl: new URL(fakeYoutubeApiUrl, location.href).href, version: "0.1.0 (demo)" };
      case "get_settings":
        return clone(this.settings);
      case "save_settings": {
        const s = clone(a.settings as Settings);
        s.displayName = s.displayName.trim();
        if (s.displayName.length > 40) return fail("invalid-input", "a display name has at most 40 characters");
        this.settings = s;
        return clone(s);
      }
      case "list_output_devices":
        return ["Built-in Audio Analog Stereo", "USB Headphones"];
      case "host_room":
      case "join_room":
      case "open_link": {
        const req = a.request as { code?: string; password?: string | null } | undefined;
        if (cmd === "join_room" && req?.code === "P4XW9B" && req.password !== "secret") {
          return fail("wrong-password", "Wrong password for “Study beats”. (The demo's password is “secret”.)");
        }
        this.session("connecting");
        setTimeout(() => this.enterRoom(), 700);
        return;
      }
      case "leave_room":
      case "close_room":
        this.room = null;
        if (this.ticker) clearInterval(this.ticker);
        this.emit({ kind: "youtube", op: "stop" });
        this.session(cmd === "close_room" ? "closed" : "idle", cmd === "close_room" ? { message: "You closed the room." } : {});
        this.emit({ kind: "discovery", rooms: clone(sampleDiscovery) });
        return;
      case "control":
        this.control(a.control as Control);
        return;
      case "vote": {
        const q = this.find(a.songId);
        if (!q) return fail("not-found", "That song is no longer in the queue.");
        const v = a.vote as -1 | 0 | 1;
        const e = q.entry;
        if (q.myVote === 1) e.upvotes--;
        if (q.myVote === -1) e.downvotes--;
        if (v === 1) e.upvotes++;
        if (v === -1) e.downvotes++;
        e.score = e.upvotes - e.downvotes;
        q.myVote = v;
        this.pushRoom();
        return;
      }
      case "reorder": {
        const r = this.room!;
        const from = r.queue.findIndex((q) => q.entry.song.id === a.songId);
        if (from < 0) return;
        const [item] = r.queue.splice(from, 1);
        r.queue.splice(Math.min(a.toIndex as number, r.queue.length), 0, item!);
        item!.entry.pinned = true;
        this.pushRoom();
        return;
      }
      case "remove_song":
        this.room!.queue = this.room!.queue.filter((q) => q.entry.song.id !== a.songId);
        this.pushRoom();
        return;
      case "add_link": {
        const url = String(a.url);
        const id = this.nextId++;
        const isSpotify = /spotify/.test(url);
        const me = this.room!.me;
        this.room!.queue.push({
          entry: {
            song: {
              id,
              source: isSpotify ? { kind: "spotify", trackId: "4uLU6hMCjMI75M1A2tKUQC" } : { kind: "youtube", videoId: "dQw4w9WgXcQ" },
              url,
              title: `Added song #${id - 99}`,
              artist: "Demo Artist",
              durationUs: 200_000_000,
              addedBy: me.memberId,
              addedByName: me.name,
              addedAtUs: Date.now() * 1000,
            },
            score: 0,
            upvotes: 0,
            downvotes: 0,
            pinned: false,
          },
          myVote: 0,
        });
        this.pushRoom();
        this.emit({ kind: "notice", level: "info", code: "song-added", message: `${me.name} added a song.` });
        return;
      }
      case "choose_files":
        this.emit({ kind: "notice", level: "info", code: "demo", message: "In the app, this opens the file picker." });
        return;
      case "add_files":
        return;
      case "chat": {
        const r = this.room!;
        r.chat.push({ id: this.nextId++, memberId: r.me.memberId, name: r.me.name, text: String(a.text), atUs: Date.now() * 1000 });
        this.pushRoom();
        return;
      }
      case "set_role": {
        const m = this.room!.members.find((x) => x.id === a.memberId);
        if (m) m.role = a.role;
        this.pushRoom();
        return;
      }
      case "transfer_host": {
        const r = this.room!;
        for (const m of r.members) {
          if (m.id === a.memberId) m.role = "host";
          else if (m.id === r.me.memberId) m.role = "dj";
        }
        r.me = { ...r.me, role: "dj" };
        r.hosting = true;
        this.pushRoom();
        return;
      }
      case "set_policy":
        this.room!.policy = a.policy;
        this.pushRoom();
        return;
      case "youtube_report":
        return;
      case "spotify_state":
        return clone(this.spotify);
      case "spotify_connect": {
        const clientId = String(a.clientId ?? "");
        if (!/^[0-9a-f]{32}$/.test(clientId)) return fail("invalid-input", "A Spotify Client ID is 32 characters, 0–9 and a–f.");
        this.setSpotify({ status: "connecting", message: "Waiting for Spotify in your browser…" });
        await new Promise((r) => setTimeout(r, 1000));
        return this.spotifyConnected(clientId);
      }
      case "spotify_disconnect":
        return this.setSpotify({ connected: false, account: null, status: "not-connected", message: "Not connected: press Connect Spotify to log in again.", device: { kind: "auto" } });
      case "spotify_devices":
        if (!this.spotify.connected) return fail("not-connected", "Spotify is not connected.");
        return clone(DEMO_SPOTIFY_DEVICES);
      case "spotify_choose_device":
        return this.spotifyChoose(a.choice as DeviceChoice);
      default:
        return fail("unknown-command", `The demo does not know “${cmd}”.`);
    }
  }
}
