import type { YtNamespace } from "./yt";

let loading: Promise<YtNamespace> | null = null;

/**
 * Injects the IFrame API's <script> once and resolves when the API calls
 * `window.onYouTubeIframeAPIReady`. Later calls return the same promise; a failed load may be
 * retried.
 */
export function loadIframeApi(url: string, win: Window = window): Promise<YtNamespace> {
  if (loading) return loading;
  loading = new Promise<YtNamespace>((resolve, reject) => {
    const doc = win.document;
    const previous = win.onYouTubeIframeAPIReady;
    win.onYouTubeIframeAPIReady = () => {
      if (typeof previous === "function") previous();
      const yt = win.YT;
      if (yt && typeof yt.Player === "function") resolve(yt);
      else reject(new Error("The YouTube player API loaded but is not usable."));
    };
    const script = doc.createElement("script");
    script.src = url;
    script.async = true;
    script.dataset.youtubeIframeApi = "";
    script.onerror = () => {
      loading = null;
      script.remove();
      reject(new Error("The YouTube player could not be loaded. Check the internet connection."));
    };
    (doc.head ?? doc.documentElement).appendChild(script);
  });
  return loading;
}

/** For tests: forget the loaded API. */
export function resetIframeApiLoader(): void {
  loading = null;
}
