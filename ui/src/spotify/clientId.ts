// Checking the Spotify app's Client ID before handing it to Rust: it is 32 hexadecimal characters
// (the dashboard shows it in lowercase).

export type ClientIdCheck = { ok: true; clientId: string } | { ok: false; message: string };

export const CLIENT_ID_LENGTH = 32;

/** Trims what was pasted and says clearly what is wrong with it, if anything. */
export function checkClientId(raw: string): ClientIdCheck {
  const id = raw.trim();
  if (id === "") return { ok: false, message: "Paste your Spotify app's Client ID (step 3)." };
  if (/\s/.test(id)) return { ok: false, message: "A Client ID has no spaces: copy it again from the app's settings." };
  if (!/^[0-9a-f]*$/i.test(id)) return { ok: false, message: "A Client ID has only the digits 0–9 and the letters a–f." };
  if (id.length !== CLIENT_ID_LENGTH) {
    return { ok: false, message: `A Client ID is ${CLIENT_ID_LENGTH} characters long; this one has ${id.length}.` };
  }
  return { ok: true, clientId: id.toLowerCase() };
}
