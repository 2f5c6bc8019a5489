import { describe, expect, it } from "vitest";
import { sampleRoom as room } from "../demo/sample";
import { canManageQueue, canRemove, isHost, playbackControls, policyReason } from "./controls";

describe("playbackControls", () => {
  it("enables everything for a controller with a song playing", () => {
    const c = playbackControls(room, { durationUs: 200_000_000 });
    expect(Object.values(c).every((a) => a.enabled && a.reason === null)).toBe(true);
  });
  it("disables everything with Rust's reason when the member may not control", () => {
    const c = playbackControls({ ...room, canControl: false, controlReason: "Only the host can control playback." }, null);
    for (const a of Object.values(c)) {
      expect(a).toEqual({ enabled: false, reason: "Only the host can control playback." });
    }
  });
  it("falls back to a reason from the policy", () => {
    const c = playbackControls({ ...room, canControl: false, controlReason: null, policy: "host-and-djs" }, null);
    expect(c.playPause.reason).toBe(policyReason("host-and-djs"));
    expect(policyReason("host-only")).toMatch(/Only the host/);
  });
  it("explains an idle room", () => {
    const c = playbackControls({ ...room, nowPlaying: null, queue: [] }, null);
    expect(c.playPause).toEqual({ enabled: false, reason: "Nothing is playing." });
    expect(c.seek.reason).toBe("Nothing is playing.");
    expect(c.next).toEqual({ enabled: false, reason: "The queue is empty." });
  });
  it("allows next with an empty queue while a song plays, and with a queue but nothing playing", () => {
    expect(playbackControls({ ...room, queue: [] }, null).next.enabled).toBe(true);
    expect(playbackControls({ ...room, nowPlaying: null }, null).next.enabled).toBe(true);
  });
  it("cannot seek in a song of unknown length", () => {
    const np = room.nowPlaying!;
    const r = { ...room, nowPlaying: { ...np, song: { ...np.song, durationUs: null } } };
    expect(playbackControls(r, { durationUs: null }).seek.enabled).toBe(false);
    expect(playbackControls(r, { durationUs: 1_000_000 }).seek.enabled).toBe(true);
  });
  it("is all off outside a room", () => {
    expect(playbackControls(null, null).next.enabled).toBe(false);
  });
});

describe("queue management rights", () => {
  const as = (role: "host" | "dj" | "listener") => ({ me: { ...room.me, role } });
  it("lets the host and DJs manage the queue", () => {
    expect(canManageQueue(as("host"))).toBe(true);
    expect(canManageQueue(as("dj"))).toBe(true);
    expect(canManageQueue(as("listener"))).toBe(false);
  });
  it("lets listeners remove only their own songs", () => {
    const me = as("listener");
    expect(canRemove(me, me.me.memberId)).toBe(true);
    expect(canRemove(me, me.me.memberId + 1)).toBe(false);
  });
  it("knows the host", () => {
    expect(isHost(as("host"))).toBe(true);
    expect(isHost(as("dj"))).toBe(false);
  });
});
