// The Spotify status line: its colour and a short label for Rust's stable status code (the
// sentence beside it is Rust's `message`).

/** good (green) when ready; neutral (grey) while not set up, not connected or connecting; warn (amber) for every problem. */
export type SpotifyTone = "good" | "neutral" | "warn";

const LABEL: Record<string, string> = {
  "not-configured": "Not set up",
  "not-connected": "Not connected",
  connecting: "Connecting…",
  ready: "Ready",
  "premium-required": "Premium required",
  "no-device": "No device",
  "session-expired": "Login expired",
  "rate-limited": "Too many requests",
  error: "Problem",
};

const NEUTRAL = new Set(["not-configured", "not-connected", "connecting"]);

export function spotifyTone(status: string): SpotifyTone {
  if (status === "ready") return "good";
  return NEUTRAL.has(status) ? "neutral" : "warn";
}

/** A short label; an unknown code (a newer Rust) still reads as something to look at. */
export function spotifyStatusLabel(status: string): string {
  return Object.hasOwn(LABEL, status) ? LABEL[status]! : "Needs attention";
}
