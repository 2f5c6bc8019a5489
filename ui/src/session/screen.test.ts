import { describe, expect, it } from "vitest";
import type { SessionView } from "../ipc/types";
import { bannerFor, homeMessage, screenFor } from "./screen";

const s = (status: SessionView["status"], extra: Partial<SessionView> = {}): SessionView => ({
  status,
  message: null,
  errorKind: null,
  retryInMs: null,
  ...extra,
});

describe("screenFor", () => {
  it("shows home when not in a room", () => {
    for (const st of ["idle", "failed", "closed"] as const) expect(screenFor(st, true)).toBe("home");
  });
  it("keeps the room visible while reconnecting", () => {
    expect(screenFor("reconnecting", true)).toBe("room");
    expect(screenFor("reconnecting", false)).toBe("connecting");
  });
  it("shows a connecting screen until the room arrives", () => {
    expect(screenFor("connecting", false)).toBe("connecting");
    expect(screenFor("joining", false)).toBe("connecting");
    expect(screenFor("in-room", false)).toBe("connecting");
    expect(screenFor("in-room", true)).toBe("room");
  });
});

describe("bannerFor", () => {
  it("counts down to the next try", () => {
    expect(bannerFor(s("reconnecting", { retryInMs: 1200 }), 1200)).toEqual({
      tone: "warn",
      text: "Connection lost. Reconnecting in 1.2 s…",
    });
    expect(bannerFor(s("reconnecting", { message: "The host is unreachable." }), 0)?.text).toBe(
      "The host is unreachable. Reconnecting…",
    );
  });
  it("is calm while connecting and absent otherwise", () => {
    expect(bannerFor(s("connecting"), null)).toEqual({ tone: "info", text: "Connecting…" });
    expect(bannerFor(s("joining"), null)?.text).toBe("Joining the room…");
    expect(bannerFor(s("in-room"), null)).toBeNull();
    expect(bannerFor(s("idle"), null)).toBeNull();
  });
});

describe("homeMessage", () => {
  it("shows why joining failed", () => {
    expect(homeMessage(s("failed", { message: "Wrong password.", errorKind: "wrong-password" }))).toEqual({
      tone: "error",
      text: "Wrong password.",
    });
    expect(homeMessage(s("failed"))?.text).toBe("Could not join the room.");
  });
  it("says why the room closed and nothing when idle", () => {
    expect(homeMessage(s("closed", { message: "The host closed the room." }))?.tone).toBe("info");
    expect(homeMessage(s("closed"))).toBeNull();
    expect(homeMessage(s("idle", { message: "x" }))).toBeNull();
  });
});
