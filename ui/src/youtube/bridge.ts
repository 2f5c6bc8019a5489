// Drives one YouTube player from Rust's commands and reports back what it does. Nothing here
// touches the DOM: the player comes from a factory (the real one builds a YT.Player in the
// now-playing area), and timers and the clock can be replaced in tests.

import type { YoutubeCommand, YoutubeReport } from "../ipc/types";
import type { YtEvents, YtPlayer } from "./yt";

export const PLAYER_VARS = { controls: 0, disablekb: 1, playsinline: 1, rel: 0 } as const;
export const REPORT_EVERY_MS = 250;

export type PlayerFactory = (events: YtEvents) => YtPlayer | Promise<YtPlayer>;

export interface BridgeEnv {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(id: unknown): void;
  /** A monotonic clock in ms. */
  now(): number;
}

const defaultEnv = (): BridgeEnv => ({
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (id) => globalThis.clearTimeout(id as ReturnType<typeof setTimeout>),
  setInterval: (fn, ms) => globalThis.setInterval(fn, ms),
  clearInterval: (id) => globalThis.clearInterval(id as ReturnType<typeof setInterval>),
  now: () => (typeof performance !== "undefined" ? performance.now() : Date.now()),
});

interface Queued {
  cmd: YoutubeCommand;
  /** When it arrived: a `play` replayed late starts that much further on. */
  at: number;
}

export interface BridgeOptions {
  createPlayer: PlayerFactory;
  report: (r: YoutubeReport) => void;
  env?: Partial<BridgeEnv>;
  reportEveryMs?: number;
  /** Called when the player cannot be made (the API failed to load). */
  onFailure?: (e: unknown) => void;
}

export class YoutubeBridge {
  private player: YtPlayer | null = null;
  private creating = false;
  private ready = false;
  private destroyed = false;
  private pending: Queued[] = [];
  private playTimer: unknown = null;
  private reportTimer: unknown = null;
  private videoLoaded = false;
  private readonly env: BridgeEnv;
  private readonly everyMs: number;

  constructor(private readonly opts: BridgeOptions) {
    this.env = { ...defaultEnv(), ...opts.env };
    this.everyMs = opts.reportEveryMs ?? REPORT_EVERY_MS;
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Applies a command from Rust; before the player is ready it is queued. */
  apply(cmd: YoutubeCommand): void {
    if (this.destroyed) return;
    if (!this.ready) {
      if (cmd.op === "load") this.pending = []; // only the latest load matters
      this.pending.push({ cmd, at: this.env.now() });
      this.ensurePlayer();
      return;
    }
    this.run(cmd, 0);
  }

  /** Stops everything and destroys the player. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.cancelPlay();
    this.stopReports();
    this.pending = [];
    try {
      this.player?.destroy();
    } catch {
      /* already gone */
    }
    this.player = null;
  }

  private ensurePlayer(): void {
    if (this.player || this.creating) return;
    this.creating = true;
    const events: YtEvents = {
      onReady: (e) => {
        if (!this.player && e?.target) this.player = e.target;
        this.onReady();
      },
      onStateChange: () => this.reportPosition(),
      onError: (e) => this.opts.report({ event: "error", code: Number(e.data) }),
    };
    let made: YtPlayer | Promise<YtPlayer>;
    try {
      made = this.opts.createPlayer(events);
    } catch (e) {
      this.fail(e);
      return;
    }
    Promise.resolve(made).then(
      (p) => {
        if (this.destroyed) {
          p.destroy();
          return;
        }
        this.player = p;
      },
      (e) => this.fail(e),
    );
  }

  private fail(e: unknown): void {
    this.creating = false;
    this.opts.onFailure?.(e);
  }

  private onReady(): void {
    if (this.destroyed || this.ready) return;
    this.ready = true;
    this.opts.report({ event: "ready" });
    const queued = this.pending;
    this.pending = [];
    const now = this.env.now();
    for (const q of queued) this.run(q.cmd, now - q.at);
  }

  /** Runs a command `lateMs` after it arrived. */
  private run(cmd: YoutubeCommand, lateMs: number): void {
    const p = this.player;
    if (!p) return;
    switch (cmd.op) {
      case "load":
        this.cancelPlay();
        p.cueVideoById(cmd.videoId, cmd.positionS);
        this.videoLoaded = true;
        this.startReports();
        break;
      case "play": {
        this.cancelPlay();
        const wait = cmd.inMs - lateMs;
        if (wait > 0) {
          this.playTimer = this.env.setTimeout(() => {
            this.playTimer = null;
            this.startAt(cmd.positionS);
          }, wait);
        } else {
          // Due already (or replayed late): start where the song is by now.
          this.startAt(cmd.positionS + -wait / 1000);
        }
        break;
      }
      case "pause":
        this.cancelPlay();
        p.pauseVideo();
        break;
      case "seek":
        p.seekTo(cmd.positionS, true);
        break;
      case "rate":
        p.setPlaybackRate(cmd.rate);
        break;
      case "stop":
        this.cancelPlay();
        p.stopVideo();
        this.videoLoaded = false;
        this.stopReports();
        break;
    }
  }

  private startAt(positionS: number): void {
    const p = this.player;
    if (!p || this.destroyed) return;
    p.seekTo(Math.max(0, positionS), true);
    p.playVideo();
  }

  private cancelPlay(): void {
    if (this.playTimer != null) this.env.clearTimeout(this.playTimer);
    this.playTimer = null;
  }

  private startReports(): void {
    if (this.reportTimer != null) return;
    this.reportTimer = this.env.setInterval(() => this.reportPosition(), this.everyMs);
  }

  private stopReports(): void {
    if (this.reportTimer != null) this.env.clearInterval(this.reportTimer);
    this.reportTimer = null;
  }

  private reportPosition(): void {
    const p = this.player;
    if (!p || !this.ready || this.destroyed) return;
    let videoId: string | undefined;
    try {
      videoId = p.getVideoData()?.video_id;
    } catch {
      videoId = undefined;
    }
    if (!videoId) return;
    this.opts.report({
      event: "position",
      videoId,
      positionS: p.getCurrentTime(),
      state: p.getPlayerState(),
      rate: p.getPlaybackRate(),
    });
  }

  /** For tests: whether a video is loaded (periodic reports run). */
  get hasVideo(): boolean {
    return this.videoLoaded;
  }
}
