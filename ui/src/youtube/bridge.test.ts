import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import fakeSource from "../../test/fake-youtube-iframe-api.js?raw";
import type { YoutubeReport } from "../ipc/types";
import { PLAYER_VARS, YoutubeBridge } from "./bridge";
import { YtState, type YtNamespace } from "./yt";

interface FakeKnobs {
  bufferMs: number;
  seekMs: number;
  readyMs: number;
  durations: Record<string, number>;
  errorFor: Record<string, number>;
  log: Array<{ player: number; method: string; args: unknown[]; at: number }>;
  now: () => number;
  players: unknown[];
}

declare global {
  interface Window {
    __fakeYouTube?: Partial<FakeKnobs>;
  }
}

let knobs: FakeKnobs;
let yt: YtNamespace;
let reports: YoutubeReport[];
let container: HTMLElement;

function install(): void {
  delete window.YT;
  window.__fakeYouTube = { now: () => Date.now() };
  new Function(fakeSource)();
  knobs = window.__fakeYouTube as FakeKnobs;
  yt = window.YT!;
}

function makeBridge(opts: { everyMs?: number } = {}): YoutubeBridge {
  return new YoutubeBridge({
    createPlayer: (events) => new yt.Player(container, { playerVars: { ...PLAYER_VARS }, events }),
    report: (r) => reports.push(r),
    env: { now: () => Date.now() },
    reportEveryMs: opts.everyMs ?? 250,
  });
}

const calls = () => knobs.log.map((c) => [c.method, ...c.args]);
const positions = () => reports.filter((r): r is Extract<YoutubeReport, { event: "position" }> => r.event === "position");
const lastPosition = () => positions().at(-1)!;

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
  install();
  reports = [];
  document.body.innerHTML = '<div id="slot"></div>';
  container = document.getElementById("slot")!;
});

afterEach(() => {
  vi.useRealTimers();
  delete window.YT;
  delete window.__fakeYouTube;
});

describe("YoutubeBridge against the fake IFrame API", () => {
  it("makes the player lazily with the agreed playerVars", () => {
    const b = makeBridge();
    expect(document.querySelector("[data-fake-youtube]")).toBeNull();
    b.apply({ op: "load", videoId: "dQw4w9WgXcQ", positionS: 0 });
    expect(document.querySelector("[data-fake-youtube]")).not.toBeNull();
    expect((knobs.players[0] as { playerVars: unknown }).playerVars).toEqual({ controls: 0, disablekb: 1, playsinline: 1, rel: 0 });
  });

  it("queues commands until ready, keeps only the latest load, and reports ready once", async () => {
    const b = makeBridge();
    b.apply({ op: "load", videoId: "aaaaaaaaaaa", positionS: 5 });
    b.apply({ op: "rate", rate: 1.5 });
    b.apply({ op: "load", videoId: "bbbbbbbbbbb", positionS: 12 });
    b.apply({ op: "rate", rate: 1.25 });
    expect(b.isReady).toBe(false);
    expect(calls()).toEqual([]);
    await vi.advanceTimersByTimeAsync(60);
    expect(b.isReady).toBe(true);
    expect(reports.filter((r) => r.event === "ready")).toHaveLength(1);
    expect(calls()).toEqual([
      ["cueVideoById", "bbbbbbbbbbb", 12],
      ["setPlaybackRate", 1.25],
    ]);
    expect(lastPosition()).toMatchObject({ videoId: "bbbbbbbbbbb", state: YtState.CUED, rate: 1.25 });
    expect(lastPosition().positionS).toBeCloseTo(12, 5);
  });

  it("plays at the given delay: seekTo then playVideo", async () => {
    const b = makeBridge();
    b.apply({ op: "load", videoId: "dQw4w9WgXcQ", positionS: 10 });
    await vi.advanceTimersByTimeAsync(60);
    knobs.log.length = 0;
    b.apply({ op: "play", positionS: 10, inMs: 500 });
    await vi.advanceTimersByTimeAsync(499);
    expect(calls()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls()).toEqual([
      ["seekTo", 10, true],
      ["playVideo"],
    ]);
    await vi.advanceTimersByTimeAsync(1);
    expect(lastPosition().state).toBe(YtState.BUFFERING);
    await vi.advanceTimersByTimeAsync(300);
    expect(lastPosition().state).toBe(YtState.PLAYING);
    const el = document.querySelector("[data-fake-youtube]")!;
    expect([el.getAttribute("data-state"), el.getAttribute("data-state-name"), el.getAttribute("data-video-id")]).toEqual([
      "1",
      "playing",
      "dQw4w9WgXcQ",
    ]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(lastPosition().positionS).toBeGreaterThan(10.9);
    expect(lastPosition().positionS).toBeLessThan(11.1);
  });

  it("plays at once when inMs <= 0, starting further on by how late it is", async () => {
    const b = makeBridge();
    b.apply({ op: "load", videoId: "dQw4w9WgXcQ", positionS: 0 });
    await vi.advanceTimersByTimeAsync(60);
    knobs.log.length = 0;
    b.apply({ op: "play", positionS: 30, inMs: -200 });
    expect(calls()[0]?.[0]).toBe("seekTo");
    expect(calls()[0]?.[1]).toBeCloseTo(30.2, 5);
    expect(calls()[1]).toEqual(["playVideo"]);
  });

  it("replays a queued play late by the time spent waiting for the player", async () => {
    const b = makeBridge();
    b.apply({ op: "load", videoId: "dQw4w9WgXcQ", positionS: 40 });
    b.apply({ op: "play", positionS: 40, inMs: 20 }); // due 30 ms before the player is ready
    await vi.advanceTimersByTimeAsync(50);
    const seek = calls().find((c) => c[0] === "seekTo")!;
    expect(seek[1]).toBeCloseTo(40.03, 5);
  });

  it("a queued play still due after ready waits for the rest of its delay", async () => {
    const b = makeBridge();
    b.apply({ op: "load", videoId: "dQw4w9WgXcQ", positionS: 0 });
    b.apply({ op: "play", positionS: 0, inMs: 200 });
    await vi.advanceTimersByTimeAsync(50);
    expect(calls().map((c) => c[0])).toEqual(["cueVideoById"]);
    await vi.advanceTimersByTimeAsync(150);
    expect(calls().map((c) => c[0])).toEqual(["cueVideoById", "seekTo", "playVideo"]);
  });

  it("a pause cancels a scheduled play", async () => {
    const b = makeBridge();
    b.apply({ op: "load", videoId: "dQw4w9WgXcQ", positionS: 0 });
    await vi.advanceTimersByTimeAsync(60);
    b.apply({ op: "play", positionS: 0, inMs: 300 });
    b.apply({ op: "pause" });
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls().map((c) => c[0])).not.toContain("playVideo");
  });

  it("reports BUFFERING during a slow seek, then PLAYING at the new position", async () => {
    const b = makeBridge();
    b.apply({ op: "load", videoId: "dQw4w9WgXcQ", positionS: 0 });
    b.apply({ op: "play", positionS: 0, inMs: 0 });
    await vi.advanceTimersByTimeAsync(2000);
    expect(lastPosition().state).toBe(YtState.PLAYING);
    const before = (knobs.players[0] as { getCurrentTime(): number }).getCurrentTime();
    reports = [];
    b.apply({ op: "seek", positionS: 100 });
    await vi.advanceTimersByTimeAsync(1);
    expect(lastPosition().state).toBe(YtState.BUFFERING);
    expect(lastPosition().positionS).toBeLessThan(before + 0.1); // has not jumped yet
    await vi.advanceTimersByTimeAsync(250);
    expect(lastPosition()).toMatchObject({ state: YtState.BUFFERING });
    expect(lastPosition().positionS).toBeLessThan(50);
    await vi.advanceTimersByTimeAsync(60);
    expect(lastPosition().state).toBe(YtState.PLAYING);
    expect(lastPosition().positionS).toBeGreaterThanOrEqual(100);
    expect(lastPosition().positionS).toBeLessThan(100.1);
  });

  it("pauses and freezes the time", async () => {
    const b = makeBridge();
    b.apply({ op: "load", videoId: "dQw4w9WgXcQ", positionS: 0 });
    b.apply({ op: "play", positionS: 0, inMs: 0 });
    await vi.advanceTimersByTimeAsync(1500);
    b.apply({ op: "pause" });
    await vi.advanceTimersByTimeAsync(1);
    const at = lastPosition();
    expect(at.state).toBe(YtState.PAUSED);
    await vi.advanceTimersByTimeAsync(1000);
    expect(lastPosition().positionS).toBe(at.positionS);
  });

  it("changes the rate, and time advances at that rate", async () => {
    const b = makeBridge();
    b.apply({ op: "load", videoId: "dQw4w9WgXcQ", positionS: 0 });
    b.apply({ op: "play", positionS: 0, inMs: 0 });
    await vi.advanceTimersByTimeAsync(1000);
    b.apply({ op: "rate", rate: 1.5 });
    const from = (knobs.players[0] as { getCurrentTime(): number }).getCurrentTime();
    await vi.advanceTimersByTimeAsync(1000);
    expect(lastPosition().rate).toBe(1.5);
    const player = knobs.players[0] as { getCurrentTime(): number; getPlaybackRate(): number };
    expect(player.getCurrentTime() - from).toBeCloseTo(1.5, 5);
    b.apply({ op: "rate", rate: 9 });
    await vi.advanceTimersByTimeAsync(250);
    expect(lastPosition().rate).toBe(2);
  });

  it("reports player errors", async () => {
    knobs.errorFor["privateVid01"] = 150;
    const b = makeBridge();
    b.apply({ op: "load", videoId: "privateVid01", positionS: 0 });
    await vi.advanceTimersByTimeAsync(60);
    expect(reports).toContainEqual({ event: "error", code: 150 });
  });

  it("reports the position every 250 ms while a video is loaded, and stops after stop", async () => {
    const b = makeBridge();
    b.apply({ op: "load", videoId: "dQw4w9WgXcQ", positionS: 0 });
    await vi.advanceTimersByTimeAsync(60);
    reports = [];
    await vi.advanceTimersByTimeAsync(1000);
    expect(positions().length).toBe(4);
    expect(positions().every((r) => r.videoId === "dQw4w9WgXcQ")).toBe(true);
    b.apply({ op: "stop" });
    await vi.advanceTimersByTimeAsync(10);
    reports = [];
    await vi.advanceTimersByTimeAsync(1000);
    expect(positions().length).toBe(0);
    expect(b.hasVideo).toBe(false);
  });

  it("reports ENDED when the video runs out", async () => {
    knobs.durations["shortVideo1"] = 2;
    const b = makeBridge();
    b.apply({ op: "load", videoId: "shortVideo1", positionS: 0 });
    b.apply({ op: "play", positionS: 1, inMs: 0 });
    await vi.advanceTimersByTimeAsync(50 + 300 + 1100);
    expect(lastPosition()).toMatchObject({ state: YtState.ENDED, positionS: 2 });
  });

  it("destroys the player and stops reporting", async () => {
    const b = makeBridge();
    b.apply({ op: "load", videoId: "dQw4w9WgXcQ", positionS: 0 });
    await vi.advanceTimersByTimeAsync(60);
    b.destroy();
    reports = [];
    await vi.advanceTimersByTimeAsync(1000);
    expect(reports).toEqual([]);
    expect(document.querySelector("[data-fake-youtube]")).toBeNull();
    b.apply({ op: "play", positionS: 0, inMs: 0 }); // ignored
    expect(calls().map((c) => c[0])).not.toContain("playVideo");
  });

  it("tells when the player cannot be made", async () => {
    const onFailure = vi.fn();
    const b = new YoutubeBridge({
      createPlayer: () => Promise.reject(new Error("offline")),
      report: (r) => reports.push(r),
      onFailure,
    });
    b.apply({ op: "load", videoId: "dQw4w9WgXcQ", positionS: 0 });
    await vi.advanceTimersByTimeAsync(1);
    expect(onFailure).toHaveBeenCalledWith(new Error("offline"));
  });
});

describe("the fake itself", () => {
  it("has no player methods before onReady, like the real API", async () => {
    const p = new yt.Player(container, {}) as unknown as Record<string, unknown>;
    expect(p.playVideo).toBeUndefined();
    await vi.advanceTimersByTimeAsync(60);
    expect(typeof p.playVideo).toBe("function");
  });

  it("calls onYouTubeIframeAPIReady asynchronously after loading", async () => {
    await vi.advanceTimersByTimeAsync(1); // the load in beforeEach
    delete window.YT;
    const ready = vi.fn();
    window.onYouTubeIframeAPIReady = ready;
    new Function(fakeSource)();
    expect(ready).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(ready).toHaveBeenCalledTimes(1);
    delete window.onYouTubeIframeAPIReady;
  });

  it("seeking while paused stays paused and moves the time after the slow-seek delay", async () => {
    const events: number[] = [];
    const p = new yt.Player(container, { events: { onStateChange: (e) => events.push(e.data) } });
    await vi.advanceTimersByTimeAsync(60);
    p.cueVideoById("dQw4w9WgXcQ", 0);
    p.playVideo();
    await vi.advanceTimersByTimeAsync(200);
    p.pauseVideo();
    p.seekTo(50, true);
    await vi.advanceTimersByTimeAsync(100);
    expect(p.getCurrentTime()).toBeLessThan(1);
    await vi.advanceTimersByTimeAsync(250);
    expect(p.getCurrentTime()).toBe(50);
    expect(p.getPlayerState()).toBe(YtState.PAUSED);
    expect(events).toEqual([YtState.CUED, YtState.BUFFERING, YtState.PLAYING, YtState.PAUSED]);
  });
});
