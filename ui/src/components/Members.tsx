import { useEffect, useRef, useState } from "preact/hooks";
import { isHost } from "../controls/controls";
import * as api from "../ipc/client";
import type { MemberView, RoomUiView } from "../ipc/types";
import { run } from "../state/actions";
import { ConfirmDialog } from "./Dialog";
import { MoreIcon } from "./icons";
import { ROLE_LABEL } from "./labels";

export function Members({ room }: { room: RoomUiView }) {
  const [handOver, setHandOver] = useState<MemberView | null>(null);
  const host = isHost(room);
  return (
    <section class="card members" aria-labelledby="members-title" data-testid="members">
      <div class="section-head">
        <h2 id="members-title">People</h2>
        <span class="muted small">{room.memberCount}</span>
      </div>
      <ul class="member-list" data-testid="members-list">
        {room.members.map((m) => {
          const me = m.id === room.me.memberId;
          return (
            <li class="member" key={m.id} data-testid="member" data-member-id={m.id} data-role={m.role}>
              <span
                class={m.connected ? "presence presence-on" : "presence"}
                title={m.connected ? "Connected" : "Connection lost: may come back"}
                data-testid="member-connected"
                data-connected={String(m.connected)}
              >
                <span class="sr-only">{m.connected ? "connected" : "disconnected"}</span>
              </span>
              <span class="member-name" data-testid="member-name">
                {m.name}
                {me && <span class="muted"> (you)</span>}
                {!m.connected && <span class="muted small"> · away</span>}
              </span>
              <span class={`role role-${m.role}`} data-testid="member-role">
                {ROLE_LABEL[m.role]}
              </span>
              {host && !me && m.role !== "host" && <MemberMenu member={m} onMakeHost={() => setHandOver(m)} />}
            </li>
          );
        })}
      </ul>
      {handOver && (
        <ConfirmDialog
          title={`Make ${handOver.name} the host?`}
          message={`${handOver.name} will control the room: roles, who may control playback, and closing it. You become a DJ.`}
          confirmLabel="Hand over"
          testid="transfer-host-dialog"
          onCancel={() => setHandOver(null)}
          onConfirm={() => {
            const id = handOver.id;
            setHandOver(null);
            void run(api.transferHost(id));
          }}
        />
      )}
    </section>
  );
}

function MemberMenu({ member: m, onMakeHost }: { member: MemberView; onMakeHost: () => void }) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (!open) return;
    ref.current?.querySelector<HTMLElement>("[role=menuitem]")?.focus();
    const away = (e: Event) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    const esc = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      e.stopPropagation();
      setOpen(false);
      ref.current?.querySelector<HTMLElement>("[data-testid=member-menu]")?.focus();
    };
    document.addEventListener("mousedown", away);
    document.addEventListener("keydown", esc, true);
    return () => {
      document.removeEventListener("mousedown", away);
      document.removeEventListener("keydown", esc, true);
    };
  }, [open]);
  const pick = (f: () => void) => {
    setOpen(false);
    f();
  };
  return (
    <span class="member-menu" ref={ref}>
      <button
        type="button"
        class="icon-btn icon-btn-small"
        aria-label={`Actions for ${m.name}`}
        aria-haspopup="menu"
        aria-expanded={open}
        title="Change role"
        data-testid="member-menu"
        onClick={() => setOpen(!open)}
      >
        <MoreIcon size={16} />
      </button>
      {open && (
        <div class="menu" role="menu" aria-label={`Actions for ${m.name}`}>
          <button
            type="button"
            role="menuitem"
            data-testid="member-set-role"
            onClick={() => pick(() => void run(api.setRole(m.id, m.role === "dj" ? "listener" : "dj")))}
          >
            {m.role === "dj" ? "Make listener" : "Make DJ"}
          </button>
          <button type="button" role="menuitem" data-testid="member-make-host" onClick={() => pick(onMakeHost)}>
            Make host…
          </button>
        </div>
      )}
    </span>
  );
}
