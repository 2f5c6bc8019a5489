import { describe, expect, it } from "vitest";
import { normalizeEvent } from "./events";

describe("normalizeEvent", () => {
  it("passes well-formed events through", () => {
    const e = { kind: "session", status: "idle", message: null, errorKind: null, retryInMs: null };
    expect(normalizeEvent(e)).toEqual({ event: e });
    const y = { kind: "youtube", op: "pause" };
    expect(normalizeEvent(y)?.event).toBe(y);
  });
  it("reads notices with their code", () => {
    expect(normalizeEvent({ kind: "notice", level: "info", code: "file-added", message: "Added a song." })).toEqual({
      event: { kind: "notice", level: "info", code: "file-added", message: "Added a song." },
    });
  });
  it("still reads an old-style notice whose code replaced the tag (`kind` written twice)", () => {
    const wire = JSON.parse('{"kind":"notice","level":"warning","kind":"song-unavailable","message":"That video is private."}');
    expect(normalizeEvent(wire)?.event).toEqual({ kind: "notice", level: "warning", code: "song-unavailable", message: "That video is private." });
  });
  it("does not mistake a notice coded like another event for that event", () => {
    expect(normalizeEvent({ kind: "youtube", level: "error", message: "The YouTube player failed." })?.event.kind).toBe("notice");
  });
  it("gives a notice without a code the code `notice`", () => {
    expect(normalizeEvent({ kind: "notice", level: "info", message: "hi" })?.event).toEqual({ kind: "notice", level: "info", code: "notice", message: "hi" });
  });
  it("drops what it cannot read", () => {
    for (const bad of [null, 3, "x", [], {}, { kind: 3 }, { kind: "mystery" }, { kind: "notice", level: "loud", message: "x" }]) {
      expect(normalizeEvent(bad)).toBeNull();
    }
  });
});
