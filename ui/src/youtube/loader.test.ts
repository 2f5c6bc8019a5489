import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import fakeSource from "../../test/fake-youtube-iframe-api.js?raw";
import { loadIframeApi, resetIframeApiLoader } from "./loader";

const URL_ = "http://127.0.0.1:9/fake-iframe-api.js";

beforeEach(() => {
  resetIframeApiLoader();
  delete window.YT;
  delete window.onYouTubeIframeAPIReady;
  document.head.innerHTML = "";
});
afterEach(() => {
  vi.useRealTimers();
  delete window.YT;
});

describe("loadIframeApi", () => {
  it("injects the script once and resolves when the API says it is ready", async () => {
    const a = loadIframeApi(URL_);
    const b = loadIframeApi(URL_);
    expect(a).toBe(b);
    const scripts = document.querySelectorAll(`script[src="${URL_}"]`);
    expect(scripts).toHaveLength(1);
    // What the real script does once loaded: define YT, then call the global.
    vi.useFakeTimers();
    new Function(fakeSource)();
    await vi.advanceTimersByTimeAsync(1);
    const yt = await a;
    expect(typeof yt.Player).toBe("function");
    expect(yt.PlayerState.PLAYING).toBe(1);
  });

  it("keeps a handler that was already there", async () => {
    const earlier = vi.fn();
    window.onYouTubeIframeAPIReady = earlier;
    const p = loadIframeApi(URL_);
    window.YT = { Player: function () {} as never, PlayerState: { UNSTARTED: -1, ENDED: 0, PLAYING: 1, PAUSED: 2, BUFFERING: 3, CUED: 5 } };
    window.onYouTubeIframeAPIReady!();
    await p;
    expect(earlier).toHaveBeenCalled();
  });

  it("rejects when the script cannot load, and may be tried again", async () => {
    const p = loadIframeApi(URL_);
    const script = document.querySelector("script")!;
    script.dispatchEvent(new Event("error"));
    await expect(p).rejects.toThrow(/could not be loaded/);
    expect(document.querySelector("script")).toBeNull();
    const again = loadIframeApi(URL_);
    expect(again).not.toBe(p);
    expect(document.querySelectorAll("script")).toHaveLength(1);
    again.catch(() => {});
  });
});
