import { render } from "preact";
import { App } from "./components/App";
import * as api from "./ipc/client";
import { applyEvent, config, settings, settingsOpen, helpOpen, toast } from "./state/store";
import { connectYoutube, setYoutubeApiUrl } from "./state/youtube";
import "./styles.css";

async function boot(): Promise<void> {
  const params = new URLSearchParams(location.search);
  // The demo page (`?demo=home|room|…`) feeds fixtures instead of Rust; never inside the app.
  if (params.has("demo") && !api.hasTauri()) {
    const demo = await import("./demo/demo");
    const opts = demo.installDemo(params.get("demo") || "home", params);
    if (opts.openSettings) settingsOpen.value = true;
    if (opts.openHelp) helpOpen.value = true;
  }

  connectYoutube();
  render(<App />, document.getElementById("app")!);

  api.subscribe(applyEvent).catch((e) => toast("error", api.toUiError(e).message, "subscribe-failed"));
  api.appConfig().then(
    (c) => {
      config.value = c;
      setYoutubeApiUrl(c.youtubeApiUrl);
    },
    () => setYoutubeApiUrl(null),
  );
  api.getSettings().then(
    (s) => (settings.value = s),
    (e) => toast("error", api.toUiError(e).message, "settings-unavailable"),
  );
}

void boot();
