// Running commands from the UI: failures become a toast with Rust's message (never a raw
// exception), unless the caller shows them inline.

import { toUiError } from "../ipc/client";
import type { UiError } from "../ipc/types";
import { toast } from "./store";

/** Runs a command; on failure shows its message as an error toast. Resolves to whether it worked. */
export async function run(p: Promise<unknown>): Promise<boolean> {
  try {
    await p;
    return true;
  } catch (e) {
    toast("error", toUiError(e).message, toUiError(e).kind);
    return false;
  }
}

/** Runs a command; on failure hands the error to `onError` (an inline message). */
export async function runInline(p: Promise<unknown>, onError: (e: UiError) => void): Promise<boolean> {
  try {
    await p;
    return true;
  } catch (e) {
    onError(toUiError(e));
    return false;
  }
}

/** Copies text, falling back to a hidden textarea where the Clipboard API is refused. */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    /* fall back below */
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

export async function copyWithToast(text: string, what: string): Promise<void> {
  if (await copyText(text)) toast("info", `${what} copied.`, "copied");
  else toast("warning", `Could not copy the ${what.toLowerCase()}: select it and copy it by hand.`, "copy-failed");
}
