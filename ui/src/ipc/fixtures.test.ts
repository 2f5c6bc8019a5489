// Every fixture Rust writes has exactly the keys types.ts declares, with the declared literal
// values. The key lists are typed (`KeySpec<T>`), so they cannot drift from types.ts either.

import { describe, expect, it } from "vitest";
import { normalizeEvent } from "../state/events";
import type {
  ChatView,
  ControlPolicy,
  Correction,
  DiscoveredRoom,
  MemberView,
  MeView,
  NoticeLevel,
  NowPlayingView,
  PlayerKind,
  PlayerView,
  QueueEntryView,
  QueueItemView,
  Role,
  SessionStatus,
  Settings,
  ShareView,
  SongSource,
  SongView,
  SyncState,
  SyncView,
  Theme,
  UiEvent,
  YoutubeCommand,
} from "./types";

type KeySpec<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? "optional" : "required" };
type Ev<K extends UiEvent["kind"]> = Extract<UiEvent, { kind: K }>;
type Obj = Record<string, unknown>;

const files = import.meta.glob<unknown>("./fixtures/*.json", { eager: true, import: "default" });
const fixture = (name: string): Obj => {
  const v = files[`./fixtures/${name}.json`];
  expect(v, `fixtures/${name}.json is missing`).toBeTypeOf("object");
  return v as Obj;
};

function keys<T>(value: unknown, spec: KeySpec<T>, where: string): Obj {
  expect(value, `${where} should be an object`).toBeTypeOf("object");
  expect(value, `${where} should not be null`).not.toBeNull();
  const o = value as Obj;
  const s = spec as Record<string, "optional" | "required">;
  const extra = Object.keys(o).filter((k) => !(k in s));
  const missing = Object.keys(s).filter((k) => s[k] === "required" && !(k in o));
  expect(extra, `${where}: Rust sends keys that types.ts does not declare`).toEqual([]);
  expect(missing, `${where}: Rust leaves out keys that types.ts requires`).toEqual([]);
  return o;
}

const oneOf = <T extends string | number>(all: Record<T, true>) => Object.keys(all) as string[];
const ROLES = oneOf<Role>({ host: true, dj: true, listener: true });
const POLICIES = oneOf<ControlPolicy>({ "host-only": true, "host-and-djs": true, everyone: true });
const STATUSES = oneOf<SessionStatus>({
  idle: true,
  connecting: true,
  joining: true,
  "in-room": true,
  reconnecting: true,
  failed: true,
  closed: true,
});
const SYNC_STATES = oneOf<SyncState>({ measuring: true, "in-sync": true, correcting: true, offline: true });
const CORRECTIONS = oneOf<Correction>({ none: true, trim: true, jump: true });
const PLAYER_KINDS = oneOf<PlayerKind>({ none: true, local: true, youtube: true, spotify: true });
const LEVELS = oneOf<NoticeLevel>({ info: true, warning: true, error: true });
const THEMES = oneOf<Theme>({ system: true, light: true, dark: true });

const nullableNumber = (v: unknown) => v === null || typeof v === "number";
const nullableString = (v: unknown) => v === null || typeof v === "string";

function song(v: unknown, where: string): void {
  const o = keys<SongView>(
    v,
    {
      id: "required",
      source: "required",
      url: "optional",
      title: "required",
      artist: "optional",
      album: "optional",
      durationUs: "optional",
      addedBy: "required",
      addedByName: "required",
      addedAtUs: "required",
    },
    where,
  );
  expect(o.id).toBeTypeOf("number");
  expect(o.title).toBeTypeOf("string");
  const src = o.source as Obj;
  switch (src.kind) {
    case "youtube":
      keys<Extract<SongSource, { kind: "youtube" }>>(src, { kind: "required", videoId: "required" }, `${where}.source`);
      break;
    case "spotify":
      keys<Extract<SongSource, { kind: "spotify" }>>(src, { kind: "required", trackId: "required" }, `${where}.source`);
      break;
    case "local":
      keys<Extract<SongSource, { kind: "local" }>>(src, { kind: "required", sha256: "required", codec: "required" }, `${where}.source`);
      break;
    default:
      expect.fail(`${where}.source.kind ${String(src.kind)} is not youtube/spotify/local`);
  }
}

describe("IPC fixtures match types.ts", () => {
  it("has every fixture", () => {
    const names = Object.keys(files).map((f) => f.replace("./fixtures/", ""));
    for (const n of ["session", "room", "tick", "discovery", "notice", "youtube", "settings"]) {
      expect(names).toContain(`${n}.json`);
    }
  });

  it("session", () => {
    const o = keys<Ev<"session">>(
      fixture("session"),
      { kind: "required", status: "required", message: "required", errorKind: "required", retryInMs: "required" },
      "session",
    );
    expect(o.kind).toBe("session");
    expect(STATUSES).toContain(o.status);
    expect(nullableString(o.message) && nullableString(o.errorKind) && nullableNumber(o.retryInMs)).toBe(true);
  });

  it("room", () => {
    const o = keys<Ev<"room">>(
      fixture("room"),
      {
        kind: "required",
        code: "required",
        name: "required",
        policy: "required",
        hasPassword: "required",
        me: "required",
        members: "required",
        memberCount: "required",
        queue: "required",
        nowPlaying: "required",
        chat: "required",
        canControl: "required",
        controlReason: "required",
        hosting: "required",
        share: "required",
      },
      "room",
    );
    expect(o.kind).toBe("room");
    expect(POLICIES).toContain(o.policy);
    const me = keys<MeView>(o.me, { memberId: "required", role: "required", name: "required" }, "room.me");
    expect(ROLES).toContain(me.role);
    (o.members as unknown[]).forEach((m, i) => {
      const mm = keys<MemberView>(m, { id: "required", name: "required", role: "required", connected: "required" }, `room.members[${i}]`);
      expect(ROLES).toContain(mm.role);
    });
    (o.queue as unknown[]).forEach((q, i) => {
      const item = keys<QueueItemView>(q, { entry: "required", myVote: "required" }, `room.queue[${i}]`);
      expect([-1, 0, 1]).toContain(item.myVote);
      const entry = keys<QueueEntryView>(
        item.entry,
        { song: "required", score: "required", upvotes: "required", downvotes: "required", pinned: "required" },
        `room.queue[${i}].entry`,
      );
      song(entry.song, `room.queue[${i}].entry.song`);
    });
    if (o.nowPlaying !== null) {
      const np = keys<NowPlayingView>(
        o.nowPlaying,
        { song: "required", cover: "required", isPlaying: "required", waiting: "required" },
        "room.nowPlaying",
      );
      song(np.song, "room.nowPlaying.song");
    }
    (o.chat as unknown[]).forEach((c, i) =>
      keys<ChatView>(c, { id: "required", memberId: "required", name: "required", text: "required", atUs: "required" }, `room.chat[${i}]`),
    );
    if (o.share !== null) {
      const sh = keys<ShareView>(o.share, { link: "required", addresses: "required", qrSvg: "required" }, "room.share");
      expect(String(sh.qrSvg)).toMatch(/<svg[\s>]/);
    }
  });

  it("tick", () => {
    const o = keys<Ev<"tick">>(
      fixture("tick"),
      { kind: "required", songId: "required", positionUs: "required", durationUs: "required", isPlaying: "required", sync: "required", player: "required" },
      "tick",
    );
    expect(o.kind).toBe("tick");
    const s = keys<SyncView>(
      o.sync,
      {
        state: "required",
        offsetUs: "required",
        uncertaintyUs: "required",
        rttUs: "required",
        errorUs: "required",
        correction: "required",
        label: "required",
      },
      "tick.sync",
    );
    expect(SYNC_STATES).toContain(s.state);
    expect(CORRECTIONS).toContain(s.correction);
    const p = keys<PlayerView>(o.player, { kind: "required", note: "required" }, "tick.player");
    expect(PLAYER_KINDS).toContain(p.kind);
  });

  it("discovery", () => {
    const o = keys<Ev<"discovery">>(fixture("discovery"), { kind: "required", rooms: "required" }, "discovery");
    expect(o.kind).toBe("discovery");
    (o.rooms as unknown[]).forEach((r, i) =>
      keys<DiscoveredRoom>(
        r,
        { name: "required", hostName: "required", code: "required", url: "required", hasPassword: "required", members: "required" },
        `discovery.rooms[${i}]`,
      ),
    );
  });

  it("notice", () => {
    const raw = fixture("notice");
    keys<Ev<"notice">>(raw, { kind: "required", level: "required", code: "required", message: "required" }, "notice");
    expect(raw.kind).toBe("notice");
    expect(LEVELS).toContain(raw.level);
    expect(normalizeEvent(raw)?.event).toEqual(raw);
  });

  it("youtube", () => {
    const o = fixture("youtube");
    expect(o.kind).toBe("youtube");
    type Y<K extends YoutubeCommand["op"]> = { kind: "youtube" } & Extract<YoutubeCommand, { op: K }>;
    switch (o.op) {
      case "load":
        keys<Y<"load">>(o, { kind: "required", op: "required", videoId: "required", positionS: "required" }, "youtube");
        break;
      case "play":
        keys<Y<"play">>(o, { kind: "required", op: "required", positionS: "required", inMs: "required" }, "youtube");
        break;
      case "seek":
        keys<Y<"seek">>(o, { kind: "required", op: "required", positionS: "required" }, "youtube");
        break;
      case "rate":
        keys<Y<"rate">>(o, { kind: "required", op: "required", rate: "required" }, "youtube");
        break;
      case "pause":
      case "stop":
        keys<Y<"pause">>(o, { kind: "required", op: "required" }, "youtube");
        break;
      default:
        expect.fail(`youtube.op ${String(o.op)} is unknown`);
    }
  });

  it("settings", () => {
    const o = keys<Settings>(
      fixture("settings"),
      {
        displayName: "required",
        outputDevice: "required",
        defaultPolicy: "required",
        theme: "required",
        hostPort: "required",
        notifyWhenHidden: "required",
        lastAddress: "required",
        spotifyClientId: "required",
        spotifyDevice: "required",
      },
      "settings",
    );
    expect(POLICIES).toContain(o.defaultPolicy);
    expect(THEMES).toContain(o.theme);
    expect(o.hostPort).toBeTypeOf("number");
  });
});
