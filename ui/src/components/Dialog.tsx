import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { CloseIcon } from "./icons";

// Open dialogs, innermost last: Escape closes the innermost.
const stack: Array<() => void> = [];

/** Closes the innermost open dialog; false when none is open. */
export function closeTopDialog(): boolean {
  const close = stack[stack.length - 1];
  if (!close) return false;
  close();
  return true;
}

export function dialogOpen(): boolean {
  return stack.length > 0;
}

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

interface DialogProps {
  title: string;
  testid: string;
  onClose: () => void;
  children: ComponentChildren;
  /** Narrow dialogs (confirmations). */
  small?: boolean;
}

export function Dialog({ title, testid, onClose, children, small }: DialogProps) {
  const ref = useRef<HTMLDivElement>(null);
  const closeRef = useRef(onClose);
  closeRef.current = onClose;

  useEffect(() => {
    const close = () => closeRef.current();
    stack.push(close);
    const before = document.activeElement as HTMLElement | null;
    const el = ref.current;
    const first = el?.querySelector<HTMLElement>("[data-autofocus]") ?? el?.querySelector<HTMLElement>(FOCUSABLE);
    (first ?? el)?.focus();
    return () => {
      const i = stack.lastIndexOf(close);
      if (i >= 0) stack.splice(i, 1);
      if (before && document.contains(before)) before.focus();
    };
  }, []);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== "Tab" || !ref.current) return;
    const items = Array.from(ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((x) => x.offsetParent !== null || x === document.activeElement);
    if (items.length === 0) return;
    const first = items[0]!;
    const last = items[items.length - 1]!;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  const id = `${testid}-title`;
  return (
    <div class="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={ref}
        class={small ? "dialog dialog-small" : "dialog"}
        role="dialog"
        aria-modal="true"
        aria-labelledby={id}
        tabIndex={-1}
        data-testid={testid}
        onKeyDown={onKeyDown}
      >
        <header class="dialog-head">
          <h2 id={id}>{title}</h2>
          <button type="button" class="icon-btn" aria-label="Close" title="Close (Esc)" data-testid={`${testid}-close`} onClick={onClose}>
            <CloseIcon />
          </button>
        </header>
        {children}
      </div>
    </div>
  );
}

interface ConfirmProps {
  title: string;
  message: ComponentChildren;
  confirmLabel: string;
  danger?: boolean;
  testid: string;
  onConfirm: () => void;
  onCancel: () => void;
}

export function ConfirmDialog({ title, message, confirmLabel, danger, testid, onConfirm, onCancel }: ConfirmProps) {
  return (
    <Dialog title={title} testid={testid} onClose={onCancel} small>
      <div class="dialog-body">
        <p>{message}</p>
      </div>
      <footer class="dialog-foot">
        <button type="button" class="btn" onClick={onCancel} data-testid={`${testid}-cancel`} data-autofocus>
          Cancel
        </button>
        <button type="button" class={danger ? "btn btn-danger" : "btn btn-primary"} onClick={onConfirm} data-testid={`${testid}-confirm`}>
          {confirmLabel}
        </button>
      </footer>
    </Dialog>
  );
}
