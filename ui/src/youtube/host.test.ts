import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import fakeSource from "../../test/fake-youtube-iframe-api.js?raw";
import type { YoutubeReport } from "../ipc/types";
import { YoutubeHost } from "./host";
import { resetIframeApiLoader } from "./loader";

beforeEach(() => {
  vi.useFakeTimers();
  resetIframeApiLoader();
  delete window.YT;
  document.head.innerHTML = "";
  document.body.innerHTML = '<div id="yt"></div>';
});
afterEach(() => {
  vi.useRealTimers();
  delete window.YT;
});

/** Stands in for the browser loading the injected <script>. */
async function loadInjectedScript(): Promise<void> {
  await vi.advanceTimersByTimeAsync(0);
  expect(document.querySelector("script[data-youtube-iframe-api]")).not.toBeNull();
  new Function(fakeSource)();
}

describe("YoutubeHost", () => {
  it("loads the API on the first command and makes the player in the attached container", async () => {
    const reports: YoutubeReport[] = [];
    const host = new YoutubeHost({ apiUrl: async () => "fake.js", report: (r) => reports.push(r), onFailure: vi.fn() });
    host.command({ op: "load", videoId: "dQw4w9WgXcQ", positionS: 3 });
    await loadInjectedScript();
    await vi.advanceTimersByTimeAsync(10);
    expect(document.querySelector("[data-fake-youtube]")).toBeNull(); // no container yet
    const el = document.getElementById("yt")!;
    host.attach(el);
    await vi.advanceTimersByTimeAsync(100);
    expect(el.querySelector("[data-fake-youtube]")?.getAttribute("data-video-id")).toBe("dQw4w9WgXcQ");
    expect(reports[0]).toEqual({ event: "ready" });
    host.detach(el);
    expect(el.querySelector("[data-fake-youtube]")).toBeNull();
  });

  it("ignores stop and pause when no player exists", () => {
    const apiUrl = vi.fn(async () => "fake.js");
    const host = new YoutubeHost({ apiUrl, report: vi.fn(), onFailure: vi.fn() });
    host.command({ op: "stop" });
    host.command({ op: "pause" });
    expect(apiUrl).not.toHaveBeenCalled();
  });

  it("says so when the API cannot be loaded", async () => {
    const onFailure = vi.fn();
    const host = new YoutubeHost({ apiUrl: async () => "fake.js", report: vi.fn(), onFailure });
    host.command({ op: "load", videoId: "dQw4w9WgXcQ", positionS: 0 });
    await vi.advanceTimersByTimeAsync(0);
    document.querySelector("script")!.dispatchEvent(new Event("error"));
    await vi.advanceTimersByTimeAsync(0);
    expect(onFailure).toHaveBeenCalledWith(expect.stringMatching(/YouTube player could not be loaded/));
  });
});
