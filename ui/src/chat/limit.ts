/** Longest chat message the UI lets through (the room server allows more). */
export const CHAT_MAX = 500;

/** Cuts pasted text to the limit without splitting a surrogate pair. */
export function clampChat(text: string): string {
  if (text.length <= CHAT_MAX) return text;
  let cut = text.slice(0, CHAT_MAX);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return cut;
}

/** The text to send, or null when there is nothing to send. */
export function chatToSend(text: string): string | null {
  const t = clampChat(text).trim();
  return t === "" ? null : t;
}

/** Characters left; shown once fewer than 50 remain. */
export function chatRemaining(text: string): number {
  return CHAT_MAX - text.length;
}
