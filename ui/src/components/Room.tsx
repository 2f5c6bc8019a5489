import { useState } from "preact/hooks";
import { isHost } from "../controls/controls";
import * as api from "../ipc/client";
import type { ControlPolicy, RoomUiView } from "../ipc/types";
import { svgDataUrl } from "../now/cover";
import { copyWithToast, run } from "../state/actions";
import { room as roomSignal } from "../state/store";
import { Chat } from "./Chat";
import { ConfirmDialog } from "./Dialog";
import { CopyIcon, LeaveIcon, PeopleIcon } from "./icons";
import { POLICY_OPTIONS } from "./labels";
import { Members } from "./Members";
import { NowPlaying } from "./NowPlaying";
import { Queue } from "./Queue";
import { SyncBadge } from "./SyncBadge";

export function RoomScreen() {
  const room = roomSignal.value;
  if (!room) return null;
  return (
    <main class="room" data-testid="room">
      <div class="room-main">
        <NowPlaying room={room} />
        <Queue room={room} />
      </div>
      <aside class="room-side">
        {(room.hosting || isHost(room)) && <HostPanel room={room} />}
        <Members room={room} />
        <Chat room={room} />
      </aside>
    </main>
  );
}

/** The room's part of the top bar. */
export function RoomHeader({ room }: { room: RoomUiView }) {
  return (
    <div class="room-header">
      <h1 class="room-name" data-testid="room-name" title={room.name}>
        {room.name}
      </h1>
      <span class="code-chip">
        <span class="sr-only">Room code </span>
        <span data-testid="room-code" data-code={room.code}>
          {room.code}
        </span>
        <button type="button" class="icon-btn icon-btn-small" aria-label="Copy the room code" title="Copy the room code" data-testid="copy-code" onClick={() => void copyWithToast(room.code, "Room code")}>
          <CopyIcon size={15} />
        </button>
      </span>
      <span class="member-count" title="People in the room" data-testid="member-count">
        <PeopleIcon size={16} /> {room.memberCount}
        <span class="sr-only"> {room.memberCount === 1 ? "person" : "people"}</span>
      </span>
      <SyncBadge />
      <button type="button" class="btn btn-quiet" data-testid="leave-room" aria-label="Leave the room" onClick={() => void run(api.leaveRoom())}>
        <LeaveIcon size={16} /> Leave
      </button>
    </div>
  );
}

function HostPanel({ room }: { room: RoomUiView }) {
  const [confirmClose, setConfirmClose] = useState(false);
  const share = room.hosting ? room.share : null;
  const host = isHost(room);
  return (
    <section class="card share" aria-labelledby="share-title" data-testid="share-panel">
      <h2 id="share-title">{share ? "Invite people" : "Room settings"}</h2>
      {share && (
        <>
          <div class="share-top">
            <img class="qr" src={svgDataUrl(share.qrSvg)} width={104} height={104} alt={`QR code of the link to join ${room.name}`} data-testid="share-qr" />
            <div class="share-text">
              <p class="muted small">Scan the QR code, or send the link.</p>
              <div class="row">
                <label class="sr-only" for="share-link">
                  Invitation link
                </label>
                <input id="share-link" type="text" readOnly value={share.link} onFocus={(e) => e.currentTarget.select()} data-testid="share-link" />
                <button type="button" class="icon-btn" aria-label="Copy the invitation link" title="Copy the link" data-testid="copy-link" onClick={() => void copyWithToast(share.link, "Link")}>
                  <CopyIcon />
                </button>
              </div>
              {share.addresses.length > 0 && (
                <div class="addresses">
                  <span class="muted small">Or join by address and code:</span>
                  <ul data-testid="share-addresses">
                    {share.addresses.map((a) => (
                      <li key={a}>
                        <code>{a}</code>
                      </li>
                    ))}
                  </ul>
                </div>
              )}
            </div>
          </div>
        </>
      )}
      {host && (
        <div class="host-row">
          <label class="host-policy">
            <span class="muted small">Who may control</span>
            <select value={room.policy} onChange={(e) => void run(api.setPolicy(e.currentTarget.value as ControlPolicy))} data-testid="policy-select">
              {POLICY_OPTIONS.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
          <button type="button" class="btn btn-danger-quiet" data-testid="close-room" onClick={() => setConfirmClose(true)}>
            Close room
          </button>
        </div>
      )}
      {confirmClose && (
        <ConfirmDialog
          title="Close the room?"
          message="Everyone will be disconnected and the queue will be gone. This cannot be undone."
          confirmLabel="Close room"
          danger
          testid="close-room-dialog"
          onCancel={() => setConfirmClose(false)}
          onConfirm={() => {
            setConfirmClose(false);
            void run(api.closeRoom());
          }}
        />
      )}
    </section>
  );
}
