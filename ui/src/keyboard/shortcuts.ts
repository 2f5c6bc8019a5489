// Keyboard shortcuts: what a key press means, decided without touching the DOM.

export type ShortcutAction =
  | "toggle-play"
  | "seek-back"
  | "seek-forward"
  | "next"
  | "focus-add-link"
  | "open-settings"
  | "close-dialog"
  | "toggle-help";

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey?: boolean;
}

export const SEEK_STEP_US = 10_000_000;

/** `typing`: the focus is in a text field, a select or an editable element. */
export function shortcutFor(e: KeyLike, typing: boolean): ShortcutAction | null {
  const mod = e.ctrlKey || e.metaKey;
  if (e.key === "Escape") return "close-dialog";
  if (mod && !e.altKey && (e.key === "l" || e.key === "L")) return "focus-add-link";
  if (mod && !e.altKey && e.key === ",") return "open-settings";
  if (typing || mod || e.altKey) return null;
  switch (e.key) {
    case " ":
    case "Spacebar":
      return "toggle-play";
    case "ArrowLeft":
      return "seek-back";
    case "ArrowRight":
      return "seek-forward";
    case "n":
    case "N":
      return "next";
    case "?":
      return "toggle-help";
    default:
      return null;
  }
}

/** Whether an element takes typed text (shortcuts without a modifier stay out of its way). */
export function isTypingTarget(el: Element | null): boolean {
  if (el == null) return false;
  const tag = el.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") {
    const type = ((el as HTMLInputElement).type || "text").toLowerCase();
    return !["button", "checkbox", "radio", "range", "submit", "reset", "color", "file", "image"].includes(type);
  }
  return (el as HTMLElement).isContentEditable === true;
}

/** Whether Space on this element does something of its own (press a button, open a list). */
export function spaceActivates(el: Element | null): boolean {
  if (el == null) return false;
  if (isTypingTarget(el)) return true;
  const tag = el.tagName;
  if (tag === "BUTTON" || tag === "A" || tag === "SUMMARY") return true;
  if (tag === "INPUT") return true; // checkboxes, radios, buttons
  const role = el.getAttribute("role");
  return role === "button" || role === "checkbox" || role === "switch" || role === "menuitem" || role === "tab";
}

/** Where a seek shortcut lands, within the song. */
export function seekBy(positionUs: number, deltaUs: number, durationUs: number | null): number {
  const hi = durationUs != null && durationUs > 0 ? durationUs : Number.POSITIVE_INFINITY;
  return Math.round(Math.min(hi, Math.max(0, positionUs + deltaUs)));
}

/** For the help overlay. */
export const SHORTCUT_HELP: ReadonlyArray<{ keys: string; what: string }> = [
  { keys: "Space", what: "Play or pause" },
  { keys: "← / →", what: "Seek back / forward 10 seconds" },
  { keys: "N", what: "Next song" },
  { keys: "Ctrl+L (⌘L)", what: "Add a song by link" },
  { keys: "Ctrl+, (⌘,)", what: "Settings" },
  { keys: "?", what: "This help" },
  { keys: "Esc", what: "Close a dialog" },
  { keys: "Alt+↑ / Alt+↓", what: "Move the focused queue item (host and DJs)" },
];
