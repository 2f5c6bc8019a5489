import type { Correction, SyncState, SyncView } from "../ipc/types";
import { formatSignedUs, formatSmallUs } from "../time/format";

/** The badge's colour family: good (green), neutral (grey), warn (amber), bad (red). */
export type SyncTone = "good" | "neutral" | "warn" | "bad";

export function syncTone(state: SyncState): SyncTone {
  switch (state) {
    case "in-sync":
      return "good";
    case "measuring":
      return "neutral";
    case "correcting":
      return "warn";
    case "offline":
      return "bad";
  }
}

const FALLBACK_LABEL: Record<SyncState, string> = {
  measuring: "measuring…",
  "in-sync": "in sync",
  correcting: "correcting",
  offline: "offline",
};

/** The badge's words: Rust's label, or a plain one when it sent none. */
export function syncLabel(sync: Pick<SyncView, "state" | "label">): string {
  const label = sync.label.trim();
  return label === "" ? FALLBACK_LABEL[sync.state] : label;
}

export function correctionText(c: Correction): string {
  switch (c) {
    case "none":
      return "none: playing in step";
    case "trim":
      return "nudging the speed";
    case "jump":
      return "jumped to the right place";
  }
}

export interface SyncDetailRow {
  key: "offset" | "uncertainty" | "rtt" | "error" | "correction";
  label: string;
  value: string;
}

const orDash = (v: number | null, f: (n: number) => string): string => (v == null ? "–" : f(v));

/** The rows of the badge's details popover. */
export function syncDetails(sync: SyncView): SyncDetailRow[] {
  return [
    { key: "offset", label: "Clock offset", value: orDash(sync.offsetUs, formatSignedUs) },
    { key: "uncertainty", label: "Uncertainty", value: orDash(sync.uncertaintyUs, (v) => `±${formatSmallUs(Math.abs(v))}`) },
    { key: "rtt", label: "Round trip", value: orDash(sync.rttUs, formatSmallUs) },
    { key: "error", label: "Tracking error", value: orDash(sync.errorUs, formatSignedUs) },
    { key: "correction", label: "Correction", value: correctionText(sync.correction) },
  ];
}
