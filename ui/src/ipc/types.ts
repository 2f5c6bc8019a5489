// The IPC contract with the Rust side, kept by hand in step with
// crates/desktop-core/src/view.rs and settings.rs. `fixtures/*.json` are written by the Rust test
// crates/desktop-core/tests/ipc_fixtures.rs; `fixtures.check.ts` assigns them to these types, so
// `tsc --noEmit` fails when the two sides drift apart.

export type MemberId = number;
export type SongId = number;
export type Role = "host" | "dj" | "listener";
export type ControlPolicy = "host-only" | "host-and-djs" | "everyone";

export type SongSource =
  | { kind: "youtube"; videoId: string }
  | { kind: "spotify"; trackId: string }
  | { kind: "local"; sha256: string; codec: string };

export interface SongView {
  id: SongId;
  source: SongSource;
  url?: string | null;
  title: string;
  artist?: string | null;
  album?: string | null;
  durationUs?: number | null;
  addedBy: MemberId;
  addedByName: string;
  addedAtUs: number;
}

export interface QueueEntryView {
  song: SongView;
  score: number;
  upvotes: number;
  downvotes: number;
  pinned: boolean;
}

export interface MemberView {
  id: MemberId;
  name: string;
  role: Role;
  connected: boolean;
}

export interface ChatView {
  id: number;
  memberId: MemberId;
  name: string;
  text: string;
  atUs: number;
}

export type SessionStatus =
  | "idle"
  | "connecting"
  | "joining"
  | "in-room"
  | "reconnecting"
  | "failed"
  | "closed";

export interface SessionView {
  status: SessionStatus;
  message: string | null;
  errorKind: string | null;
  retryInMs: number | null;
}

export interface MeView {
  memberId: MemberId;
  role: Role;
  name: string;
}

export interface QueueItemView {
  entry: QueueEntryView;
  myVote: -1 | 0 | 1;
}

export interface NowPlayingView {
  song: SongView;
  cover: string | null;
  isPlaying: boolean;
  waiting: boolean;
}

export interface ShareView {
  link: string;
  addresses: string[];
  qrSvg: string;
}

export interface RoomUiView {
  code: string;
  name: string;
  policy: ControlPolicy;
  hasPassword: boolean;
  me: MeView;
  members: MemberView[];
  memberCount: number;
  queue: QueueItemView[];
  nowPlaying: NowPlayingView | null;
  chat: ChatView[];
  canControl: boolean;
  controlReason: string | null;
  hosting: boolean;
  share: ShareView | null;
}

export type SyncState = "measuring" | "in-sync" | "correcting" | "offline";
export type Correction = "none" | "trim" | "jump";

export interface SyncView {
  state: SyncState;
  offsetUs: number | null;
  uncertaintyUs: number | null;
  rttUs: number | null;
  errorUs: number | null;
  correction: Correction;
  label: string;
}

export type PlayerKind = "none" | "local" | "youtube" | "spotify";

export interface PlayerView {
  kind: PlayerKind;
  note: string | null;
}

export interface TickView {
  songId: SongId | null;
  positionUs: number;
  durationUs: number | null;
  isPlaying: boolean;
  sync: SyncView;
  player: PlayerView;
}

export interface DiscoveredRoom {
  name: string;
  hostName: string;
  code: string;
  url: string;
  hasPassword: boolean;
  members: number;
}

export type NoticeLevel = "info" | "warning" | "error";

export interface Notice {
  level: NoticeLevel;
  /** A stable code (`file-added`, `youtube`, `audio-output`, ...). */
  code: string;
  message: string;
}

export type YoutubeCommand =
  | { op: "load"; videoId: string; positionS: number }
  | { op: "play"; positionS: number; inMs: number }
  | { op: "pause" }
  | { op: "seek"; positionS: number }
  | { op: "rate"; rate: number }
  | { op: "stop" };

export type YoutubeReport =
  | { event: "ready" }
  | { event: "position"; videoId: string; positionS: number; state: number; rate: number }
  | { event: "error"; code: number };

export type UiEvent =
  | ({ kind: "session" } & SessionView)
  | ({ kind: "room" } & RoomUiView)
  | ({ kind: "tick" } & TickView)
  | { kind: "discovery"; rooms: DiscoveredRoom[] }
  | ({ kind: "notice" } & Notice)
  | ({ kind: "youtube" } & YoutubeCommand);

export type Control =
  | { kind: "pause" }
  | { kind: "resume" }
  | { kind: "seek"; positionUs: number }
  | { kind: "next" }
  | { kind: "play-now"; songId: SongId };

export interface HostRequest {
  name: string;
  policy: ControlPolicy;
  password: string | null;
}

export interface JoinRequest {
  address: string;
  code: string;
  password: string | null;
}

export type Theme = "system" | "light" | "dark";

export interface Settings {
  displayName: string;
  outputDevice: string | null;
  defaultPolicy: ControlPolicy;
  theme: Theme;
  hostPort: number;
  notifyWhenHidden: boolean;
  lastAddress: string;
  /** The listener's own Spotify app's client id; "" when Spotify is not set up. */
  spotifyClientId: string;
  /** Which Spotify Connect device plays. */
  spotifyDevice: DeviceChoice;
}

export type DeviceChoice = { kind: "auto" } | { kind: "id"; id: string; name: string };

export interface SpotifyView {
  /** The Spotify app's client id the user entered; "" when none. */
  clientId: string;
  /** The redirect URI to register in the Spotify developer dashboard (e.g. http://127.0.0.1:43117/callback). */
  redirectUri: string;
  connected: boolean;
  /** The account's display name once connected. */
  account: string | null;
  /** Stable status code: "not-configured" | "not-connected" | "connecting" | "ready" | "premium-required" | "no-device" | "session-expired" | "rate-limited" | "error". */
  status: string;
  /** A sentence saying what the status means and what to do. */
  message: string;
  device: DeviceChoice;
}

export interface SpotifyDevice {
  id: string;
  name: string;
  kind: string;
  isActive: boolean;
  usable: boolean;
}

/** What a failed command rejects with. */
export interface UiError {
  kind: string;
  message: string;
}
