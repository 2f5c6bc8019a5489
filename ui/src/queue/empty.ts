import type { RoomUiView } from "../ipc/types";

export interface QueueEmptyState {
  /**
   * `new-room`: nothing played and nothing queued: explain how to add songs and invite people.
   * `up-next-empty`: a song plays but nothing follows it.
   * `none`: the queue has songs.
   */
  kind: "new-room" | "up-next-empty" | "none";
  /** Also explain how to invite people (only one member so far). */
  invite: boolean;
}

export function queueEmptyState(room: Pick<RoomUiView, "queue" | "nowPlaying" | "memberCount">): QueueEmptyState {
  const invite = room.memberCount <= 1;
  if (room.queue.length > 0) return { kind: "none", invite: false };
  if (room.nowPlaying == null) return { kind: "new-room", invite };
  return { kind: "up-next-empty", invite };
}
