import type { SessionStatus, SessionView } from "../ipc/types";
import { formatWaitMs } from "../time/format";

export type Screen = "home" | "connecting" | "room";

/** Which screen a session status shows. The room stays up while reconnecting. */
export function screenFor(status: SessionStatus, hasRoom: boolean): Screen {
  switch (status) {
    case "idle":
    case "failed":
    case "closed":
      return "home";
    case "connecting":
    case "joining":
      return hasRoom ? "room" : "connecting";
    case "in-room":
    case "reconnecting":
      return hasRoom ? "room" : "connecting";
  }
}

export interface Banner {
  tone: "info" | "warn";
  text: string;
}

/**
 * The calm banner for connections under way. `msLeft` is what remains of `retryInMs`, counted
 * down by the UI since the session event arrived.
 */
export function bannerFor(session: SessionView, msLeft: number | null): Banner | null {
  switch (session.status) {
    case "connecting":
      return { tone: "info", text: session.message?.trim() || "Connecting…" };
    case "joining":
      return { tone: "info", text: session.message?.trim() || "Joining the room…" };
    case "reconnecting": {
      const what = msLeft != null && msLeft > 0 ? `Reconnecting in ${formatWaitMs(msLeft)}…` : "Reconnecting…";
      const why = session.message?.trim();
      return { tone: "warn", text: why ? `${why} ${what}` : `Connection lost. ${what}` };
    }
    default:
      return null;
  }
}

/** The home screen's explanation after a failure or a closed room, if any. */
export function homeMessage(session: SessionView): { tone: "error" | "info"; text: string } | null {
  const text = session.message?.trim();
  if (session.status === "failed") return { tone: "error", text: text || "Could not join the room." };
  if (session.status === "closed" && text) return { tone: "info", text };
  return null;
}
