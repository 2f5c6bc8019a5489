import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { sampleRoom, sampleTick } from "../demo/sample";
import {
  applyEvent,
  discovery,
  dismissToast,
  onYoutube,
  resetStore,
  room,
  screen,
  session,
  tick,
  toast,
  toasts,
} from "./store";

beforeEach(() => {
  vi.useFakeTimers();
  resetStore();
});
afterEach(() => {
  onYoutube(null);
  vi.useRealTimers();
});

const sessionEvent = (status: string, extra: object = {}) => ({
  kind: "session",
  status,
  message: null,
  errorKind: null,
  retryInMs: null,
  ...extra,
});

describe("applyEvent", () => {
  it("keeps the room while reconnecting and drops it when the session ends", () => {
    applyEvent(sessionEvent("in-room"));
    applyEvent({ kind: "room", ...sampleRoom });
    applyEvent({ kind: "tick", ...sampleTick });
    expect(screen.value).toBe("room");
    applyEvent(sessionEvent("reconnecting", { retryInMs: 1200 }));
    expect(room.value?.code).toBe("K7QM2D");
    expect(screen.value).toBe("room");
    applyEvent(sessionEvent("closed", { message: "The host closed the room." }));
    expect(room.value).toBeNull();
    expect(tick.value).toBeNull();
    expect(screen.value).toBe("home");
    expect(session.value.message).toBe("The host closed the room.");
  });

  it("stores discovery and sends youtube commands on", () => {
    const seen = vi.fn();
    onYoutube(seen);
    applyEvent({ kind: "discovery", rooms: [{ name: "a", hostName: "b", code: "C", url: "u", hasPassword: false, members: 1 }] });
    applyEvent({ kind: "youtube", op: "seek", positionS: 12 });
    expect(discovery.value).toHaveLength(1);
    expect(seen).toHaveBeenCalledWith({ op: "seek", positionS: 12 });
  });

  it("turns notices into toasts, keeping the notice's code", () => {
    applyEvent({ kind: "notice", level: "info", code: "file-added", message: "Grace added a song." });
    expect(toasts.value).toEqual([{ id: expect.any(Number), level: "info", kind: "file-added", message: "Grace added a song." }]);
  });

  it("ignores what it cannot read", () => {
    applyEvent({ kind: "weather" });
    applyEvent(null);
    expect(session.value.status).toBe("idle");
  });
});

describe("toasts", () => {
  it("dismisses info after a while but keeps errors", () => {
    toast("info", "Copied");
    toast("error", "Could not reach the host");
    vi.advanceTimersByTime(6000);
    expect(toasts.value.map((t) => t.message)).toEqual(["Could not reach the host"]);
    dismissToast(toasts.value[0]!.id);
    expect(toasts.value).toEqual([]);
  });
  it("does not repeat a message already on screen", () => {
    toast("error", "Tandem's engine is not available.");
    toast("error", "Tandem's engine is not available.");
    expect(toasts.value).toHaveLength(1);
  });
  it("keeps at most five, dropping the oldest non-error first", () => {
    toast("error", "e1");
    for (let i = 0; i < 6; i++) toast("info", `i${i}`);
    expect(toasts.value.map((t) => t.message)).toEqual(["e1", "i2", "i3", "i4", "i5"]);
  });
});
