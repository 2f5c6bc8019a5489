import { describe, expect, it } from "vitest";
import { sampleRoom as room } from "../demo/sample";
import { queueEmptyState } from "./empty";

describe("queueEmptyState", () => {
  it("explains adding songs and inviting in a brand-new room", () => {
    expect(queueEmptyState({ queue: [], nowPlaying: null, memberCount: 1 })).toEqual({ kind: "new-room", invite: true });
  });
  it("does not nag about invitations once people are there", () => {
    expect(queueEmptyState({ queue: [], nowPlaying: null, memberCount: 3 })).toEqual({ kind: "new-room", invite: false });
  });
  it("says nothing follows when a song plays and the queue is empty", () => {
    expect(queueEmptyState({ queue: [], nowPlaying: room.nowPlaying, memberCount: 3 }).kind).toBe("up-next-empty");
  });
  it("shows the queue when it has songs", () => {
    expect(queueEmptyState(room)).toEqual({ kind: "none", invite: false });
  });
});
