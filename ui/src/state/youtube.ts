// The app's one YouTube host, wired to Rust: commands in through `youtube` events, reports out
// through `youtube_report`.

import * as api from "../ipc/client";
import { YoutubeHost } from "../youtube/host";
import { onYoutube, toast } from "./store";

export const DEFAULT_YOUTUBE_API = "https://www.youtube.com/iframe_api";

let resolveUrl: (url: string) => void = () => {};
const apiUrl = new Promise<string>((resolve) => {
  resolveUrl = resolve;
});

/** Called once `app_config` is known (or failed: then the real API's address). */
export function setYoutubeApiUrl(url: string | null): void {
  resolveUrl(url && url.trim() !== "" ? url : DEFAULT_YOUTUBE_API);
}

export const youtubeHost = new YoutubeHost({
  apiUrl: () => apiUrl,
  report: (r) => {
    api.youtubeReport(r).catch(() => {
      /* reports are best effort: the next one follows in 250 ms */
    });
  },
  onFailure: (message) => toast("error", message, "youtube-unavailable"),
});

export function connectYoutube(): void {
  onYoutube((cmd) => youtubeHost.command(cmd));
}
