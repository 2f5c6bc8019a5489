import { useEffect, useRef, useState } from "preact/hooks";
import { syncDetails, syncLabel, syncTone } from "../sync/badge";
import { tick } from "../state/store";

export function SyncBadge() {
  const t = tick.value;
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const away = (e: Event) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    const esc = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        setOpen(false);
        e.stopPropagation();
      }
    };
    document.addEventListener("mousedown", away);
    document.addEventListener("keydown", esc, true);
    return () => {
      document.removeEventListener("mousedown", away);
      document.removeEventListener("keydown", esc, true);
    };
  }, [open]);

  if (!t) return null;
  const sync = t.sync;
  const tone = syncTone(sync.state);
  return (
    <div class="sync" ref={ref}>
      <button
        type="button"
        class={`sync-badge tone-${tone}`}
        aria-expanded={open}
        aria-controls="sync-details"
        title="How closely this computer follows the room"
        data-testid="sync-badge"
        data-state={sync.state}
        onClick={() => setOpen(!open)}
      >
        <span class="dot" aria-hidden="true" />
        <span data-testid="sync-label">{syncLabel(sync)}</span>
      </button>
      {open && (
        <div class="popover" id="sync-details" role="dialog" aria-label="Sync details" data-testid="sync-details">
          <dl>
            {syncDetails(sync).map((r) => (
              <div class="kv" key={r.key}>
                <dt>{r.label}</dt>
                <dd data-testid={`sync-${r.key}`}>{r.value}</dd>
              </div>
            ))}
          </dl>
          <p class="muted small">
            The room's clock is estimated continuously; small drifts are fixed by nudging the speed, large ones by jumping.
          </p>
        </div>
      )}
    </div>
  );
}
