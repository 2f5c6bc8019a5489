import type { NoticeLevel, UiEvent } from "../ipc/types";

const KINDS = new Set<UiEvent["kind"]>(["session", "room", "tick", "discovery", "notice", "youtube"]);
const LEVELS = new Set<NoticeLevel>(["info", "warning", "error"]);

export interface Incoming {
  event: UiEvent;
}

/**
 * Checks the outline of an event from Rust. A notice is recognised by its shape (`level` and
 * `message`) as well as its tag: before `Notice.kind` became `code`, serde wrote `kind` twice
 * and `JSON.parse` kept the notice's code, so an old-style notice still reads as one.
 */
export function normalizeEvent(raw: unknown): Incoming | null {
  if (raw == null || typeof raw !== "object" || Array.isArray(raw)) return null;
  const o = raw as Record<string, unknown>;
  const kind = o.kind;
  if (typeof kind !== "string") return null;
  const isNotice =
    LEVELS.has(o.level as NoticeLevel) &&
    typeof o.message === "string" &&
    !["status", "op", "me", "sync", "rooms"].some((k) => k in o);
  if (isNotice) {
    const code = typeof o.code === "string" && o.code !== "" ? o.code : kind === "notice" ? "notice" : kind;
    return { event: { kind: "notice", level: o.level as NoticeLevel, code, message: o.message as string } };
  }
  if (kind !== "notice" && KINDS.has(kind as UiEvent["kind"])) return { event: raw as UiEvent };
  return null;
}
