import { useEffect, useState } from "preact/hooks";
import * as api from "../ipc/client";
import { bannerFor } from "../session/screen";
import { run } from "../state/actions";
import { session, sessionAt } from "../state/store";

/** What remains of the session's `retryInMs`, counted down here. */
function useRetryLeft(): number | null {
  const s = session.value;
  const at = sessionAt.value;
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    if (s.retryInMs == null) return;
    setNow(performance.now());
    const id = setInterval(() => setNow(performance.now()), 100);
    return () => clearInterval(id);
  }, [s, at]);
  return s.retryInMs == null ? null : Math.max(0, s.retryInMs - (now - at));
}

export function ConnectionBanner() {
  const left = useRetryLeft();
  const b = bannerFor(session.value, left);
  if (!b) return null;
  return (
    <div class={`banner banner-${b.tone}`} role="status" data-testid="connection-banner" data-status={session.value.status}>
      <span class="spinner" aria-hidden="true" />
      <span data-testid="connection-banner-text">{b.text}</span>
    </div>
  );
}

export function Connecting() {
  const left = useRetryLeft();
  const b = bannerFor(session.value, left);
  return (
    <main class="connecting" data-testid="connecting">
      <div class="card connecting-card">
        <span class="spinner spinner-big" aria-hidden="true" />
        <p role="status">{b?.text ?? "Getting the room…"}</p>
        <button type="button" class="btn" data-testid="cancel-connect" onClick={() => void run(api.leaveRoom())}>
          Cancel
        </button>
      </div>
    </main>
  );
}
