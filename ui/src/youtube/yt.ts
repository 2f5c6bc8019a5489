// The part of the YouTube IFrame Player API Tandem uses (no @types package: this is all of it).

export const YtState = { UNSTARTED: -1, ENDED: 0, PLAYING: 1, PAUSED: 2, BUFFERING: 3, CUED: 5 } as const;

export interface YtPlayer {
  cueVideoById(videoId: string, startSeconds?: number): void;
  loadVideoById(videoId: string, startSeconds?: number): void;
  playVideo(): void;
  pauseVideo(): void;
  stopVideo(): void;
  seekTo(seconds: number, allowSeekAhead: boolean): void;
  getCurrentTime(): number;
  getDuration(): number;
  getPlayerState(): number;
  getPlaybackRate(): number;
  setPlaybackRate(rate: number): void;
  getAvailablePlaybackRates(): number[];
  getVideoData(): { video_id?: string; title?: string; author?: string };
  destroy(): void;
}

export interface YtEvent<D = undefined> {
  target: YtPlayer;
  data: D;
}

export interface YtEvents {
  onReady?: (e: { target: YtPlayer }) => void;
  onStateChange?: (e: YtEvent<number>) => void;
  onError?: (e: YtEvent<number>) => void;
  onPlaybackRateChange?: (e: YtEvent<number>) => void;
}

export interface YtPlayerOptions {
  videoId?: string;
  width?: number | string;
  height?: number | string;
  playerVars?: Record<string, string | number>;
  events?: YtEvents;
}

export interface YtNamespace {
  Player: new (elementOrId: HTMLElement | string, options: YtPlayerOptions) => YtPlayer;
  PlayerState: typeof YtState;
  loaded?: number;
}

declare global {
  interface Window {
    YT?: YtNamespace;
    onYouTubeIframeAPIReady?: () => void;
  }
}
