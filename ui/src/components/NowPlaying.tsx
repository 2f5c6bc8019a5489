import { Component, type ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { playbackControls, type Availability } from "../controls/controls";
import * as api from "../ipc/client";
import type { RoomUiView, SongView } from "../ipc/types";
import { placeholderCover, safeCover } from "../now/cover";
import { progressFraction, seekTarget } from "../progress/interpolate";
import { run } from "../state/actions";
import { progress, tick } from "../state/store";
import { youtubeQuery } from "../spotify/fallback";
import { quantize, quantumUs } from "../progress/quantize";
import { youtubeHost } from "../state/youtube";
import { formatRemainingUs, formatUs } from "../time/format";
import { NextIcon, PauseIcon, PlayIcon } from "./icons";
import { SOURCE_LABEL } from "./labels";

/** The YouTube player's container: rendered once, never touched by Preact again. */
class YoutubeSlot extends Component {
  override shouldComponentUpdate(): boolean {
    return false;
  }
  override componentDidMount(): void {
    if (this.base instanceof HTMLElement) youtubeHost.attach(this.base);
  }
  override componentWillUnmount(): void {
    if (this.base instanceof HTMLElement) youtubeHost.detach(this.base);
  }
  render() {
    return <div class="yt-slot" />;
  }
}

export function Cover({ song, cover, size }: { song: SongView; cover: string | null; size: number }) {
  const src = safeCover(cover);
  if (src) return <img class="cover" src={src} width={size} height={size} alt={`Cover of ${song.title}`} data-testid="cover" />;
  const p = placeholderCover(song.title, song.artist);
  return (
    <div
      class="cover cover-placeholder"
      style={{ width: `${size}px`, height: `${size}px`, background: `linear-gradient(135deg, ${p.from}, ${p.to})` }}
      role="img"
      aria-label="No cover art"
      data-testid="cover"
    >
      <span>{p.initial}</span>
    </div>
  );
}

export function NowPlaying({ room }: { room: RoomUiView }) {
  const np = room.nowPlaying;
  const t = tick.value;
  const isYoutube = np?.song.source.kind === "youtube";
  const controls = playbackControls(room, t);
  const playing = t && np && t.songId === np.song.id ? t.isPlaying : (np?.isPlaying ?? false);
  const durationUs = (t && np && t.songId === np.song.id ? t.durationUs : null) ?? np?.song.durationUs ?? null;
  const note = t?.player.note?.trim();

  return (
    <section class="card now" aria-label="Now playing" data-testid="now-playing" data-source={np?.song.source.kind ?? "none"}>
      <div class="now-top">
        <div class="yt-wrap" hidden={!isYoutube} data-testid="youtube-player">
          <YoutubeSlot />
        </div>
        {np && !isYoutube && <Cover song={np.song} cover={np.cover} size={148} />}
        {np ? (
          <div class="now-info">
            <span class={`source source-${np.song.source.kind}`}>{SOURCE_LABEL[np.song.source.kind]}</span>
            <h2 class="now-title" data-testid="now-title">
              {np.song.title}
            </h2>
            {np.song.artist && (
              <p class="now-artist" data-testid="now-artist">
                {np.song.artist}
                {np.song.album ? <span class="muted"> · {np.song.album}</span> : null}
              </p>
            )}
            <p class="muted small" data-testid="now-added-by">
              Added by {np.song.addedByName}
            </p>
            {np.waiting && (
              <p class="waiting small" data-testid="now-waiting">
                Waiting for everyone's player to load…
              </p>
            )}
          </div>
        ) : (
          <div class="now-empty" data-testid="now-empty">
            <p class="now-title">Nothing is playing</p>
            <p class="muted">Add a song below: the first one starts by itself.</p>
          </div>
        )}
      </div>
      {np && <ProgressBar songId={np.song.id} durationUs={durationUs} seek={controls.seek} />}
      <div class="controls">
        <ControlButton
          label={playing ? "Pause" : "Play"}
          testid="play-pause"
          availability={controls.playPause}
          primary
          onClick={() => void run(api.control(playing ? { kind: "pause" } : { kind: "resume" }))}
        >
          {playing ? <PauseIcon size={22} /> : <PlayIcon size={22} />}
        </ControlButton>
        <ControlButton label="Next song" testid="next" availability={controls.next} onClick={() => void run(api.control({ kind: "next" }))}>
          <NextIcon size={20} />
        </ControlButton>
        {!room.canControl && controls.playPause.reason && (
          <p class="control-reason small muted" data-testid="control-reason">
            {controls.playPause.reason}
          </p>
        )}
      </div>
      {note && (
        <p class="player-note small" role="note" data-testid="player-note">
          {note}
          {np && np.song.source.kind === "spotify" && t?.player.kind === "spotify" && (
            <>
              {" "}
              <button
                type="button"
                class="link-button"
                data-testid="spotify-youtube-fallback"
                onClick={() => void api.openYoutubeSearch(youtubeQuery(np.song.title, np.song.artist ?? null)).catch(() => {})}
              >
                Search YouTube for this song instead
              </button>{" "}
              <span class="muted">(opens your browser; paste the video's link in the queue to share it)</span>
            </>
          )}
        </p>
      )}
    </section>
  );
}

function ControlButton(props: {
  label: string;
  testid: string;
  availability: Availability;
  primary?: boolean;
  onClick: () => void;
  children: ComponentChildren;
}) {
  const { enabled, reason } = props.availability;
  return (
    <button
      type="button"
      class={props.primary ? "round-btn round-btn-primary" : "round-btn"}
      aria-label={props.label}
      title={enabled ? props.label : `${props.label}: ${reason ?? "not available"}`}
      disabled={!enabled}
      data-testid={props.testid}
      onClick={props.onClick}
    >
      {props.children}
    </button>
  );
}

function ProgressBar({ songId, durationUs, seek }: { songId: number | null; durationUs: number | null; seek: Availability }) {
  const [pos, setPos] = useState(0);
  const [drag, setDrag] = useState<number | null>(null);
  const bar = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let id: ReturnType<typeof setTimeout> | undefined;
    const frame = () => {
      // Re-render only when something visible changes (the bar by whole pixels, the clock by
      // whole seconds), and sleep until then: an animation frame loop kept the web process busy
      // (most of a core under software rendering) for nothing the eye could see.
      const width = bar.current?.clientWidth ?? 0;
      const now = progress.sample(performance.now());
      const shown = songId == null ? 0 : quantize(now, durationUs, width);
      setPos(shown);
      const step = quantumUs(durationUs, width);
      // Wake at the next step while playing (the sample advances in real time); a tick that
      // changes the position re-renders this component and restarts the wait anyway.
      const untilNextMs = Math.min(1000, Math.max(16, (shown + step - now) / 1000));
      id = setTimeout(frame, untilNextMs);
    };
    frame();
    return () => clearTimeout(id);
  }, [songId, durationUs]);

  const fractionAt = (clientX: number): number => {
    const r = bar.current?.getBoundingClientRect();
    if (!r || r.width <= 0) return 0;
    return Math.min(1, Math.max(0, (clientX - r.left) / r.width));
  };
  const canSeek = seek.enabled && durationUs != null && durationUs > 0;

  const onPointerDown = (e: PointerEvent) => {
    if (!canSeek || e.button !== 0) return;
    (e.currentTarget as HTMLElement).setPointerCapture?.(e.pointerId);
    setDrag(fractionAt(e.clientX));
  };
  const onPointerMove = (e: PointerEvent) => {
    if (drag != null) setDrag(fractionAt(e.clientX));
  };
  const onPointerUp = (e: PointerEvent) => {
    if (drag == null || durationUs == null) return;
    const f = fractionAt(e.clientX);
    setDrag(null);
    void run(api.control({ kind: "seek", positionUs: seekTarget(f, durationUs) }));
  };

  const shownUs = drag != null && durationUs != null ? seekTarget(drag, durationUs) : pos;
  const frac = progressFraction(shownUs, durationUs);
  return (
    <div class="progress">
      <span class="time" data-testid="elapsed">
        {formatUs(shownUs)}
      </span>
      <div
        ref={bar}
        class={canSeek ? "bar bar-seekable" : "bar"}
        role="slider"
        aria-label="Position in the song"
        aria-valuemin={0}
        aria-valuemax={durationUs != null ? Math.round(durationUs / 1e6) : 0}
        aria-valuenow={Math.round(shownUs / 1e6)}
        aria-valuetext={durationUs != null ? `${formatUs(shownUs)} of ${formatUs(durationUs)}` : formatUs(shownUs)}
        aria-disabled={!canSeek}
        tabIndex={canSeek ? 0 : -1}
        title={canSeek ? "Click or drag to seek" : (seek.reason ?? undefined)}
        data-testid="seek-bar"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={() => setDrag(null)}
      >
        <div class="bar-fill" style={{ width: `${(frac * 100).toFixed(3)}%` }} data-testid="progress-fill" />
        <div class="bar-knob" style={{ left: `${(frac * 100).toFixed(3)}%` }} />
      </div>
      <span class="time" data-testid="remaining">
        {formatRemainingUs(shownUs, durationUs)}
      </span>
    </div>
  );
}
