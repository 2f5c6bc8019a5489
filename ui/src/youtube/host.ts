// The YouTube player in the page: loads the IFrame API on the first command, makes the player in
// the now-playing area's container, and routes Rust's commands to the bridge.

import type { YoutubeCommand, YoutubeReport } from "../ipc/types";
import { PLAYER_VARS, YoutubeBridge } from "./bridge";
import { loadIframeApi } from "./loader";
import type { YtEvents, YtPlayer } from "./yt";

export interface YoutubeHostOptions {
  apiUrl: () => Promise<string>;
  report: (r: YoutubeReport) => void;
  onFailure: (message: string) => void;
}

export class YoutubeHost {
  private bridge: YoutubeBridge | null = null;
  private container: HTMLElement | null = null;
  private waiting: Array<(el: HTMLElement) => void> = [];

  constructor(private readonly opts: YoutubeHostOptions) {}

  /** The now-playing area's container appeared. */
  attach(el: HTMLElement): void {
    this.container = el;
    const w = this.waiting;
    this.waiting = [];
    for (const resolve of w) resolve(el);
  }

  /** The container is going away (the room was left): the player goes with it. */
  detach(el: HTMLElement): void {
    if (this.container !== el) return;
    this.container = null;
    this.reset();
  }

  command(cmd: YoutubeCommand): void {
    if (!this.bridge) {
      if (cmd.op === "stop" || cmd.op === "pause") return; // nothing to stop
      this.bridge = new YoutubeBridge({
        createPlayer: (events) => this.makePlayer(events),
        report: this.opts.report,
        onFailure: (e) => {
          this.reset();
          this.opts.onFailure(e instanceof Error ? e.message : "The YouTube player could not be started.");
        },
      });
    }
    this.bridge.apply(cmd);
  }

  reset(): void {
    this.bridge?.destroy();
    this.bridge = null;
  }

  private containerReady(): Promise<HTMLElement> {
    return this.container ? Promise.resolve(this.container) : new Promise((resolve) => this.waiting.push(resolve));
  }

  private async makePlayer(events: YtEvents): Promise<YtPlayer> {
    const yt = await loadIframeApi(await this.opts.apiUrl());
    const el = await this.containerReady();
    const slot = document.createElement("div");
    el.replaceChildren(slot);
    return new yt.Player(slot, { width: "100%", height: "100%", playerVars: { ...PLAYER_VARS }, events });
  }
}
