// Turning microseconds into what a person reads.

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** A position or a length in µs as `m:ss`, or `h:mm:ss` from an hour on. Negative and unknown → `0:00`. */
export function formatUs(us: number | null | undefined): string {
  const safe = us == null || !Number.isFinite(us) || us < 0 ? 0 : us;
  const total = Math.floor(safe / 1_000_000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${pad2(m)}:${pad2(s)}` : `${m}:${pad2(s)}`;
}

/** Time left as `-m:ss`; empty when the length is unknown. */
export function formatRemainingUs(positionUs: number, durationUs: number | null | undefined): string {
  if (durationUs == null || !Number.isFinite(durationUs) || durationUs <= 0) return "";
  return `-${formatUs(Math.max(0, durationUs - Math.max(0, positionUs)))}`;
}

/** A song's length for lists: `3:45`, or `–` when unknown. */
export function formatDurationUs(us: number | null | undefined): string {
  return us == null || us <= 0 ? "–" : formatUs(us);
}

/** A wait in milliseconds as `1.2 s`. */
export function formatWaitMs(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

/** A small duration for the sync details: `0.42 ms`, `12.3 ms`, `250 ms`, `1.25 s`. */
export function formatSmallUs(us: number): string {
  const a = Math.abs(us);
  const sign = us < 0 ? "-" : "";
  if (a >= 1_000_000) return `${sign}${(a / 1_000_000).toFixed(2)} s`;
  const ms = a / 1000;
  if (ms >= 100) return `${sign}${Math.round(ms)} ms`;
  if (ms >= 1) return `${sign}${ms.toFixed(1)} ms`;
  return `${sign}${ms.toFixed(2)} ms`;
}

/** Like {@link formatSmallUs} with an explicit `+` for positive values. */
export function formatSignedUs(us: number): string {
  return us > 0 ? `+${formatSmallUs(us)}` : formatSmallUs(us);
}

/** A chat message's time of day (`14:05`) from µs since the Unix epoch, in local time. */
export function formatClockUs(atUs: number, locale?: string): string {
  const d = new Date(Math.floor(atUs / 1000));
  if (Number.isNaN(d.getTime())) return "";
  return d.toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit" });
}
