import { dismissToast, toasts } from "../state/store";
import { CloseIcon } from "./icons";

export function Toasts() {
  return (
    <div class="toasts" aria-live="polite" data-testid="toasts">
      {toasts.value.map((t) => (
        <div key={t.id} class={`toast toast-${t.level}`} role={t.level === "error" ? "alert" : "status"} data-testid="toast" data-level={t.level} data-kind={t.kind}>
          <span class="toast-text">{t.message}</span>
          <button type="button" class="icon-btn icon-btn-small" aria-label="Dismiss" onClick={() => dismissToast(t.id)} data-testid="toast-dismiss">
            <CloseIcon size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
