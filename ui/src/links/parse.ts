// Recognising what a person pasted, before anything is sent to Rust (which checks again).
// Mirrors room-core's `SongSource::from_link` for songs.

export type ParsedLink =
  | { kind: "youtube"; videoId: string; link: string }
  | { kind: "spotify"; trackId: string; link: string }
  | { kind: "join"; link: string }
  | { kind: "invalid"; message: string };

export const MAX_LINK = 2048;

const YT_ID = /^[A-Za-z0-9_-]{11}$/;
const SPOTIFY_ID = /^[A-Za-z0-9]{22}$/;
const YT_HOSTS = new Set(["youtube.com", "m.youtube.com", "music.youtube.com", "youtube-nocookie.com"]);
const SPOTIFY_HOSTS = new Set(["open.spotify.com", "play.spotify.com"]);

const NOT_SUPPORTED = "That is not a YouTube video, a Spotify track or a Tandem invitation link.";

function segmentsOf(url: URL): string[] {
  return url.pathname.split("/").filter((s) => s !== "");
}

export function parseLink(raw: string): ParsedLink {
  const input = raw.trim();
  if (input === "") return { kind: "invalid", message: "Paste a link first." };
  if (input.length > MAX_LINK) return { kind: "invalid", message: "That link is too long." };
  if (YT_ID.test(input)) return { kind: "youtube", videoId: input, link: input };

  if (/^spotify:/i.test(input)) {
    const m = /^spotify:track:([A-Za-z0-9]+)$/i.exec(input);
    if (m && SPOTIFY_ID.test(m[1]!)) return { kind: "spotify", trackId: m[1]!, link: input };
    if (/^spotify:(album|playlist|artist|show|episode):/i.test(input)) {
      return { kind: "invalid", message: "Only single Spotify tracks can be added, not albums, playlists or artists." };
    }
    return { kind: "invalid", message: NOT_SUPPORTED };
  }

  if (/^tandem:/i.test(input)) {
    return /^tandem:\/\/join\/[^\s/?#]+/i.test(input)
      ? { kind: "join", link: input }
      : { kind: "invalid", message: "That Tandem link is incomplete: it should start with tandem://join/." };
  }

  let url: URL;
  try {
    url = new URL(input.includes("://") ? input : `https://${input}`);
  } catch {
    return { kind: "invalid", message: NOT_SUPPORTED };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return { kind: "invalid", message: NOT_SUPPORTED };

  const host = url.hostname.toLowerCase().replace(/^www\./, "");
  const segs = segmentsOf(url);

  if (YT_HOSTS.has(host)) {
    let id: string | null = null;
    if (segs.length === 1 && segs[0] === "watch") id = url.searchParams.get("v");
    else if (segs.length >= 2 && ["shorts", "embed", "live", "v"].includes(segs[0]!)) id = segs[1]!;
    if (id != null && YT_ID.test(id)) return { kind: "youtube", videoId: id, link: input };
    if (segs[0] === "playlist" || url.searchParams.has("list")) {
      return { kind: "invalid", message: "Only single YouTube videos can be added, not playlists." };
    }
    return { kind: "invalid", message: "That YouTube link does not point to a video." };
  }
  if (host === "youtu.be") {
    const id = segs[0];
    return id != null && YT_ID.test(id)
      ? { kind: "youtube", videoId: id, link: input }
      : { kind: "invalid", message: "That YouTube link does not point to a video." };
  }
  if (SPOTIFY_HOSTS.has(host)) {
    const rest = segs[0]?.startsWith("intl-") ? segs.slice(1) : segs;
    if (rest[0] === "track" && rest[1] != null && SPOTIFY_ID.test(rest[1])) {
      return { kind: "spotify", trackId: rest[1], link: input };
    }
    if (rest[0] != null && ["album", "playlist", "artist", "show", "episode"].includes(rest[0])) {
      return { kind: "invalid", message: "Only single Spotify tracks can be added, not albums, playlists or artists." };
    }
    return { kind: "invalid", message: "That Spotify link does not point to a track." };
  }
  // The http form of an invitation (for people without the app): a path segment `join`.
  if (segs.includes("join")) return { kind: "join", link: input };
  return { kind: "invalid", message: NOT_SUPPORTED };
}

export type Checked = { ok: true; link: string } | { ok: false; message: string };

/** For the room's add-a-song field: YouTube and Spotify only. */
export function checkSongLink(raw: string): Checked {
  const p = parseLink(raw);
  switch (p.kind) {
    case "youtube":
    case "spotify":
      return { ok: true, link: p.link };
    case "join":
      return { ok: false, message: "That is an invitation to a room. Leave this room first, then paste it on the home screen." };
    case "invalid":
      return { ok: false, message: p.message === NOT_SUPPORTED ? "That is not a YouTube video or a Spotify track link." : p.message };
  }
}

/** For the home screen's paste-a-link field: invitations only. */
export function checkJoinLink(raw: string): Checked {
  const p = parseLink(raw);
  switch (p.kind) {
    case "join":
      return { ok: true, link: p.link };
    case "youtube":
    case "spotify":
      return { ok: false, message: "That is a song link. Host or join a room first, then add it to the queue." };
    case "invalid":
      return { ok: false, message: p.message === NOT_SUPPORTED ? "That is not a Tandem invitation link (tandem://join/…)." : p.message };
  }
}
