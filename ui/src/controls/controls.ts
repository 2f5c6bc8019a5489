import type { ControlPolicy, RoomUiView, TickView } from "../ipc/types";

export interface Availability {
  enabled: boolean;
  /** Why not, in words; null when enabled. */
  reason: string | null;
}

export interface PlaybackControls {
  playPause: Availability;
  seek: Availability;
  next: Availability;
  playNow: Availability;
}

const ok: Availability = { enabled: true, reason: null };
const no = (reason: string): Availability => ({ enabled: false, reason });

export function policyReason(policy: ControlPolicy): string {
  switch (policy) {
    case "host-only":
      return "Only the host controls playback in this room.";
    case "host-and-djs":
      return "Only the host and DJs control playback in this room.";
    case "everyone":
      return "You cannot control playback right now.";
  }
}

/** What the playback controls allow, and why not. */
export function playbackControls(
  room: Pick<RoomUiView, "canControl" | "controlReason" | "policy" | "nowPlaying" | "queue"> | null,
  tick: Pick<TickView, "durationUs"> | null,
): PlaybackControls {
  if (room == null) {
    const r = no("You are not in a room.");
    return { playPause: r, seek: r, next: r, playNow: r };
  }
  if (!room.canControl) {
    const r = no(room.controlReason?.trim() || policyReason(room.policy));
    return { playPause: r, seek: r, next: r, playNow: r };
  }
  const playing = room.nowPlaying;
  const duration = tick?.durationUs ?? playing?.song.durationUs ?? null;
  return {
    playPause: playing ? ok : no("Nothing is playing."),
    seek: !playing
      ? no("Nothing is playing.")
      : duration == null || duration <= 0
        ? no("This song's length is not known, so it cannot be sought.")
        : ok,
    next: playing || room.queue.length > 0 ? ok : no("The queue is empty."),
    playNow: ok,
  };
}

/** Whether this member may reorder the queue and remove others' songs (host and DJs). */
export function canManageQueue(room: Pick<RoomUiView, "me">): boolean {
  return room.me.role === "host" || room.me.role === "dj";
}

/** Whether this member may remove a song: managers any, others their own. */
export function canRemove(room: Pick<RoomUiView, "me">, addedBy: number): boolean {
  return canManageQueue(room) || addedBy === room.me.memberId;
}

/** Whether this member administers the room (roles, host hand-over, policy, closing). */
export function isHost(room: Pick<RoomUiView, "me">): boolean {
  return room.me.role === "host";
}
