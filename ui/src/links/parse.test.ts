import { describe, expect, it } from "vitest";
import { checkJoinLink, checkSongLink, parseLink } from "./parse";

describe("parseLink: YouTube", () => {
  it.each([
    "dQw4w9WgXcQ",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://youtube.com/watch?feature=share&v=dQw4w9WgXcQ&t=42",
    "youtube.com/watch?v=dQw4w9WgXcQ",
    "https://youtu.be/dQw4w9WgXcQ?si=abc",
    "https://m.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://music.youtube.com/watch?v=dQw4w9WgXcQ&list=RD",
    "https://www.youtube.com/shorts/dQw4w9WgXcQ",
    "https://www.youtube.com/embed/dQw4w9WgXcQ",
    "  https://www.youtube.com/watch?v=dQw4w9WgXcQ  ",
  ])("recognises %s", (link) => {
    expect(parseLink(link)).toMatchObject({ kind: "youtube", videoId: "dQw4w9WgXcQ" });
  });
  it("rejects links that are not a video", () => {
    expect(parseLink("https://www.youtube.com/playlist?list=PL123").kind).toBe("invalid");
    expect(parseLink("https://www.youtube.com/watch?v=short")).toMatchObject({ kind: "invalid" });
    expect(parseLink("https://youtu.be/")).toMatchObject({ kind: "invalid" });
    expect(parseLink("https://www.youtube.com/@channel")).toMatchObject({
      kind: "invalid",
      message: "That YouTube link does not point to a video.",
    });
  });
});

describe("parseLink: Spotify", () => {
  it.each([
    "spotify:track:4uLU6hMCjMI75M1A2tKUQC",
    "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC",
    "https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC?si=1234",
    "https://open.spotify.com/intl-de/track/4uLU6hMCjMI75M1A2tKUQC",
  ])("recognises %s", (link) => {
    expect(parseLink(link)).toMatchObject({ kind: "spotify", trackId: "4uLU6hMCjMI75M1A2tKUQC" });
  });
  it("explains albums and playlists", () => {
    expect(parseLink("https://open.spotify.com/album/4uLU6hMCjMI75M1A2tKUQC")).toMatchObject({
      kind: "invalid",
      message: expect.stringMatching(/single Spotify tracks/),
    });
    expect(parseLink("spotify:playlist:37i9dQZF1DXcBWIGoYBM5M").kind).toBe("invalid");
    expect(parseLink("spotify:track:tooShort").kind).toBe("invalid");
  });
});

describe("parseLink: invitations", () => {
  it("recognises tandem:// and http join links", () => {
    expect(parseLink("tandem://join/K7QM2D?host=192.168.1.20:7878")).toMatchObject({ kind: "join" });
    expect(parseLink("http://192.168.1.20:7878/join/K7QM2D")).toMatchObject({ kind: "join" });
  });
  it("rejects a bare tandem:// link", () => {
    expect(parseLink("tandem://")).toMatchObject({ kind: "invalid", message: expect.stringMatching(/tandem:\/\/join/) });
  });
});

describe("parseLink: everything else", () => {
  it.each(["", "   ", "hello there", "https://example.com/video", "ftp://youtube.com/watch?v=dQw4w9WgXcQ", "javascript:alert(1)"])(
    "rejects %j with a message",
    (link) => {
      const p = parseLink(link);
      expect(p.kind).toBe("invalid");
      if (p.kind === "invalid") expect(p.message.length).toBeGreaterThan(5);
    },
  );
  it("rejects overly long input", () => {
    expect(parseLink(`https://youtu.be/${"a".repeat(3000)}`)).toMatchObject({ kind: "invalid", message: "That link is too long." });
  });
});

describe("per-field checks", () => {
  it("accepts songs in the add field and explains invitations there", () => {
    expect(checkSongLink("https://youtu.be/dQw4w9WgXcQ")).toEqual({ ok: true, link: "https://youtu.be/dQw4w9WgXcQ" });
    expect(checkSongLink("tandem://join/ABC")).toMatchObject({ ok: false, message: expect.stringMatching(/invitation/) });
    expect(checkSongLink("cats")).toEqual({ ok: false, message: "That is not a YouTube video or a Spotify track link." });
  });
  it("accepts invitations on the home screen and explains song links there", () => {
    expect(checkJoinLink(" tandem://join/ABC ")).toEqual({ ok: true, link: "tandem://join/ABC" });
    expect(checkJoinLink("spotify:track:4uLU6hMCjMI75M1A2tKUQC")).toMatchObject({ ok: false, message: expect.stringMatching(/song link/) });
    expect(checkJoinLink("cats")).toEqual({ ok: false, message: "That is not a Tandem invitation link (tandem://join/…)." });
  });
});
