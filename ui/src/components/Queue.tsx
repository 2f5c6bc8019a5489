import { useEffect, useRef, useState } from "preact/hooks";
import { canManageQueue, canRemove, playbackControls } from "../controls/controls";
import * as api from "../ipc/client";
import type { QueueItemView, RoomUiView } from "../ipc/types";
import { checkSongLink } from "../links/parse";
import { queueEmptyState } from "../queue/empty";
import { dropIndex, dropPlace, keyboardMove } from "../queue/reorder";
import { nextVote } from "../queue/vote";
import { run, runInline } from "../state/actions";
import { formatDurationUs } from "../time/format";
import { DownIcon, FileIcon, GripIcon, PinIcon, PlayIcon, PlusIcon, TrashIcon, UpIcon } from "./icons";
import { SOURCE_LABEL } from "./labels";

export const ADD_LINK_INPUT_ID = "add-link";

export function Queue({ room }: { room: RoomUiView }) {
  const empty = queueEmptyState(room);
  const dragging = useFileDrag();
  return (
    <section class={dragging ? "card queue queue-drop" : "card queue"} aria-labelledby="queue-title" data-testid="queue">
      <div class="section-head">
        <h2 id="queue-title">Up next</h2>
        <span class="muted small" data-testid="queue-count">
          {room.queue.length === 1 ? "1 song" : `${room.queue.length} songs`}
        </span>
      </div>
      <AddSongs />
      {empty.kind === "none" ? <QueueList room={room} /> : <EmptyQueue room={room} kind={empty.kind} invite={empty.invite} />}
      {dragging && (
        <div class="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
          <FileIcon size={28} />
          <span>Drop audio files to add them to the queue</span>
        </div>
      )}
    </section>
  );
}

/** Whether files are being dragged over the window (Rust receives the drop itself). */
function useFileDrag(): boolean {
  const [on, setOn] = useState(false);
  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes("Files");
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setOn(true);
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOn(false);
    };
    const over = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault(); // never let the webview navigate to a dropped file
    };
    const drop = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault();
      depth = 0;
      setOn(false);
    };
    window.addEventListener("dragenter", enter);
    window.addEventListener("dragleave", leave);
    window.addEventListener("dragover", over);
    window.addEventListener("drop", drop);
    return () => {
      window.removeEventListener("dragenter", enter);
      window.removeEventListener("dragleave", leave);
      window.removeEventListener("dragover", over);
      window.removeEventListener("drop", drop);
    };
  }, []);
  return on;
}

function AddSongs() {
  const [link, setLink] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const checked = checkSongLink(link);
    if (!checked.ok) return setError(checked.message);
    setBusy(true);
    setError(null);
    const ok = await runInline(api.addLink(checked.link), (err) => setError(err.message));
    if (ok) setLink("");
    setBusy(false);
  };
  return (
    <div class="add-songs">
      <form class="row" onSubmit={submit}>
        <label class="sr-only" for={ADD_LINK_INPUT_ID}>
          YouTube or Spotify link
        </label>
        <input
          id={ADD_LINK_INPUT_ID}
          type="text"
          value={link}
          placeholder="Paste a YouTube or Spotify link"
          spellcheck={false}
          aria-invalid={error != null}
          aria-describedby={error ? "add-link-error" : undefined}
          onInput={(e) => {
            setLink(e.currentTarget.value);
            setError(null);
          }}
          data-testid="add-link-input"
        />
        <button type="submit" class="btn btn-primary" disabled={busy} data-testid="add-link-submit">
          <PlusIcon size={16} /> Add
        </button>
        <button type="button" class="btn" onClick={() => void run(api.chooseFiles())} data-testid="add-files">
          <FileIcon size={16} /> Add files…
        </button>
      </form>
      {error && (
        <p class="form-error" id="add-link-error" role="alert" data-testid="add-link-error">
          {error}
        </p>
      )}
      <p class="muted small drop-hint" data-testid="drop-hint">
        You can also drop audio files anywhere on this window.
      </p>
    </div>
  );
}

function EmptyQueue({ room, kind, invite }: { room: RoomUiView; kind: "new-room" | "up-next-empty"; invite: boolean }) {
  return (
    <div class="empty" data-testid="queue-empty" data-kind={kind}>
      {kind === "new-room" ? (
        <>
          <p class="empty-title">The queue is empty: let's fix that.</p>
          <ul>
            <li>Paste a YouTube video or a Spotify track link in the field above.</li>
            <li>Or choose “Add files…” to share music from this computer; everyone hears it, streamed from you.</li>
            <li>Everyone can add songs and vote; the best-voted play first.</li>
          </ul>
        </>
      ) : (
        <p class="empty-title">Nothing is queued after this song. Add one above.</p>
      )}
      {invite && (
        <p class="muted" data-testid="invite-hint">
          It is just you for now. Invite people with the code <strong class="mono">{room.code}</strong>
          {room.hosting && room.share ? ", the link or the QR code under “Invite people”." : "."}
        </p>
      )}
    </div>
  );
}

interface DragState {
  from: number;
  over: number | null;
  place: "before" | "after";
}

function QueueList({ room }: { room: RoomUiView }) {
  const manage = canManageQueue(room);
  const controls = playbackControls(room, null);
  const [drag, setDrag] = useState<DragState | null>(null);
  const refocus = useRef<number | null>(null);
  const list = useRef<HTMLOListElement>(null);

  useEffect(() => {
    const id = refocus.current;
    if (id == null) return;
    refocus.current = null;
    list.current?.querySelector<HTMLElement>(`[data-song-id="${id}"]`)?.focus();
  }, [room.queue]);

  const move = (item: QueueItemView, to: number) => {
    refocus.current = item.entry.song.id;
    void run(api.reorder(item.entry.song.id, to));
  };

  return (
    <>
      {manage && (
        <p id="queue-help" class="sr-only">
          Drag songs to reorder them, or press Alt with the up or down arrow on a focused song.
        </p>
      )}
    <ol class="queue-list" ref={list} data-testid="queue-list" aria-describedby={manage ? "queue-help" : undefined}>
      {room.queue.map((item, index) => {
        const song = item.entry.song;
        const marker = drag && drag.over === index && drag.from !== index ? drag.place : null;
        return (
          <li
            key={song.id}
            class={[
              "queue-item",
              drag?.from === index ? "is-dragging" : "",
              marker === "before" ? "drop-before" : "",
              marker === "after" ? "drop-after" : "",
            ].join(" ")}
            tabIndex={0}
            draggable={manage}
            aria-label={`${index + 1}. ${song.title}${song.artist ? ` by ${song.artist}` : ""}`}
            data-testid="queue-item"
            data-song-id={song.id}
            data-index={index}
            onKeyDown={(e) => {
              if (!manage || !e.altKey || (e.key !== "ArrowUp" && e.key !== "ArrowDown")) return;
              if (e.currentTarget !== e.target) return;
              e.preventDefault();
              const to = keyboardMove(index, e.key === "ArrowUp" ? -1 : 1, room.queue.length);
              if (to != null) move(item, to);
            }}
            onDragStart={(e) => {
              if (!manage) return;
              e.dataTransfer?.setData("application/x-tandem-song", String(song.id));
              e.dataTransfer?.setData("text/plain", song.title);
              if (e.dataTransfer) e.dataTransfer.effectAllowed = "move";
              setDrag({ from: index, over: null, place: "before" });
            }}
            onDragOver={(e) => {
              if (!drag) return;
              e.preventDefault();
              if (e.dataTransfer) e.dataTransfer.dropEffect = "move";
              const r = e.currentTarget.getBoundingClientRect();
              const place = dropPlace(e.clientY - r.top, r.height);
              if (drag.over !== index || drag.place !== place) setDrag({ ...drag, over: index, place });
            }}
            onDrop={(e) => {
              if (!drag) return;
              e.preventDefault();
              const r = e.currentTarget.getBoundingClientRect();
              const to = dropIndex(drag.from, index, dropPlace(e.clientY - r.top, r.height));
              const moved = room.queue[drag.from];
              setDrag(null);
              if (to != null && moved) move(moved, to);
            }}
            onDragEnd={() => setDrag(null)}
          >
            {manage && (
              <span class="grip" title="Drag to reorder" aria-hidden="true">
                <GripIcon size={16} />
              </span>
            )}
            <div class="q-main">
              <div class="q-title">
                <span class="q-title-text" data-testid="queue-title">
                  {song.title}
                </span>
                {item.entry.pinned && (
                  <span class="pin" title="Pinned: votes no longer move it" data-testid="pinned-marker">
                    <PinIcon size={14} />
                    <span class="sr-only">pinned</span>
                  </span>
                )}
              </div>
              <div class="q-meta muted small">
                <span class={`source source-${song.source.kind}`}>{SOURCE_LABEL[song.source.kind]}</span>
                {song.artist && <span data-testid="queue-artist">{song.artist}</span>}
                <span data-testid="queue-added-by">added by {song.addedByName}</span>
              </div>
            </div>
            <span class="q-duration muted small" data-testid="queue-duration">
              {formatDurationUs(song.durationUs)}
            </span>
            <div class="votes" role="group" aria-label={`Votes for ${song.title}`}>
              <button
                type="button"
                class={item.myVote === 1 ? "vote vote-on" : "vote"}
                aria-label="Vote up"
                aria-pressed={item.myVote === 1}
                title={item.myVote === 1 ? "Withdraw your up vote" : "Vote up"}
                data-testid="vote-up"
                onClick={() => void run(api.vote(song.id, nextVote(item.myVote, 1)))}
              >
                <UpIcon size={16} />
              </button>
              <span class="score" data-testid="queue-score" title={`${item.entry.upvotes} up, ${item.entry.downvotes} down`}>
                {item.entry.score}
              </span>
              <button
                type="button"
                class={item.myVote === -1 ? "vote vote-on vote-down" : "vote"}
                aria-label="Vote down"
                aria-pressed={item.myVote === -1}
                title={item.myVote === -1 ? "Withdraw your down vote" : "Vote down"}
                data-testid="vote-down"
                onClick={() => void run(api.vote(song.id, nextVote(item.myVote, -1)))}
              >
                <DownIcon size={16} />
              </button>
            </div>
            <div class="q-actions">
              {controls.playNow.enabled && (
                <button type="button" class="icon-btn" aria-label={`Play ${song.title} now`} title="Play now" data-testid="play-now" onClick={() => void run(api.control({ kind: "play-now", songId: song.id }))}>
                  <PlayIcon size={16} />
                </button>
              )}
              {canRemove(room, song.addedBy) && (
                <button type="button" class="icon-btn" aria-label={`Remove ${song.title}`} title="Remove from the queue" data-testid="remove-song" onClick={() => void run(api.removeSong(song.id))}>
                  <TrashIcon size={16} />
                </button>
              )}
            </div>
          </li>
        );
      })}
    </ol>
    </>
  );
}
