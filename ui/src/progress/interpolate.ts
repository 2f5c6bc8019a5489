// The progress bar's position between ticks.
//
// Ticks arrive ten times a second with the room's position. Between them the bar advances with
// the clock so it moves smoothly at 60 frames a second. When a tick disagrees with what is shown:
// - a small difference backwards (the estimate ran a little ahead, a pause landed a few ms
//   earlier) never moves the bar back: it holds until the room's position catches up;
// - a small difference forwards is taken at once (moving forward a little looks natural);
// - a large jump either way (a seek, a new song, a reconnect) snaps to the tick.

export interface ProgressSample {
  songId: number | null;
  positionUs: number;
  durationUs: number | null;
  isPlaying: boolean;
}

/** Differences at least this large are jumps, not jitter. */
export const SNAP_US = 750_000;

export class ProgressInterpolator {
  private songId: number | null = null;
  private anchorUs = 0;
  private anchorMs = 0;
  private playing = false;
  private durationUs: number | null = null;
  /** The last position handed out: the bar never goes below it except on a snap. */
  private floorUs = 0;
  private started = false;

  constructor(private readonly snapUs: number = SNAP_US) {}

  /** Takes a tick received at `nowMs` (a monotonic clock in ms, e.g. `performance.now()`). */
  update(t: ProgressSample, nowMs: number): void {
    const sameSong = this.started && t.songId === this.songId;
    const shown = this.started ? this.position(nowMs) : 0;
    const diff = t.positionUs - shown;
    this.songId = t.songId;
    this.anchorUs = t.positionUs;
    this.anchorMs = nowMs;
    this.playing = t.isPlaying;
    this.durationUs = t.durationUs;
    this.started = true;
    if (!sameSong || Math.abs(diff) >= this.snapUs || diff >= 0) {
      // A jump, a new song, or the room is ahead of us: show the room's position.
      this.floorUs = this.clamp(t.positionUs);
    } else {
      // Small and backwards: hold what is shown until the room catches up.
      this.floorUs = this.clamp(shown);
    }
  }

  /** The position to show at `nowMs`, µs. Never less than the last one returned (within a song). */
  sample(nowMs: number): number {
    const p = this.position(nowMs);
    this.floorUs = p;
    return p;
  }

  /** Forgets everything (the room was left). */
  reset(): void {
    this.songId = null;
    this.anchorUs = 0;
    this.anchorMs = 0;
    this.playing = false;
    this.durationUs = null;
    this.floorUs = 0;
    this.started = false;
  }

  get isPlaying(): boolean {
    return this.playing;
  }

  get currentSongId(): number | null {
    return this.songId;
  }

  private position(nowMs: number): number {
    const elapsedUs = this.playing ? Math.max(0, nowMs - this.anchorMs) * 1000 : 0;
    return this.clamp(Math.max(this.floorUs, this.anchorUs + elapsedUs));
  }

  private clamp(us: number): number {
    const hi = this.durationUs != null && this.durationUs > 0 ? this.durationUs : Number.POSITIVE_INFINITY;
    return Math.min(hi, Math.max(0, us));
  }
}

/** The fraction (0..1) of the bar a position fills. */
export function progressFraction(positionUs: number, durationUs: number | null | undefined): number {
  if (durationUs == null || !(durationUs > 0)) return 0;
  return Math.min(1, Math.max(0, positionUs / durationUs));
}

/** The position a click or drag at `fraction` of the bar means, µs (whole ms). */
export function seekTarget(fraction: number, durationUs: number): number {
  const f = Math.min(1, Math.max(0, fraction));
  return Math.round((f * durationUs) / 1000) * 1000;
}
