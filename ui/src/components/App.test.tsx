// The screens, rendered in jsdom against a fake transport: what a person does becomes the right
// command, and what Rust sends shows up.

import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sampleDiscovery, sampleRoom, sampleSettings as settingsJson, sampleTick } from "../demo/sample";
import * as api from "../ipc/client";
import discoveryFixture from "../ipc/fixtures/discovery.json";
import noticeFixture from "../ipc/fixtures/notice.json";
import roomFixture from "../ipc/fixtures/room.json";
import sessionFixture from "../ipc/fixtures/session.json";
import tickFixture from "../ipc/fixtures/tick.json";
import type { Settings, SpotifyDevice, SpotifyView, UiEvent } from "../ipc/types";
import { applyEvent, resetStore, settings } from "../state/store";
import { App } from "./App";

type Call = [string, Record<string, unknown> | undefined];
let calls: Call[];
let replies: Record<string, (args?: Record<string, unknown>) => unknown>;
let root: HTMLElement;

const flush = () => act(async () => {
  await new Promise((r) => setTimeout(r, 0));
});
const $ = <T extends Element = HTMLElement>(id: string) => root.querySelector<T>(`[data-testid="${id}"]`);
const $$ = (id: string) => Array.from(root.querySelectorAll<HTMLElement>(`[data-testid="${id}"]`));

async function type(el: HTMLInputElement, value: string) {
  await act(async () => {
    el.value = value;
    el.dispatchEvent(new Event("input", { bubbles: true }));
  });
}

async function click(el: Element | null) {
  expect(el, "element to click").not.toBeNull();
  await act(async () => {
    (el as HTMLElement).click();
  });
  await flush();
}

async function submit(form: Element | null) {
  await act(async () => {
    (form as HTMLFormElement).requestSubmit();
  });
  await flush();
}

async function emit(e: unknown) {
  await act(async () => applyEvent(e));
}

async function key(k: string, opts: KeyboardEventInit = {}, target: EventTarget = window) {
  await act(async () => {
    target.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true, cancelable: true, ...opts }));
  });
  await flush();
}

beforeEach(async () => {
  resetStore();
  calls = [];
  replies = {};
  api.setTransport({
    invoke: async (cmd, args) => {
      calls.push([cmd, args]);
      const r = replies[cmd];
      return r ? r(args) : undefined;
    },
    subscribe: async () => {},
  });
  settings.value = structuredClone(settingsJson) as Settings;
  root = document.createElement("div");
  document.body.appendChild(root);
  await act(async () => render(<App />, root));
});

afterEach(async () => {
  await act(async () => render(null, root));
  root.remove();
});

const inRoom = async (patch: Record<string, unknown> = {}) => {
  await emit({ kind: "session", status: "in-room", message: null, errorKind: null, retryInMs: null });
  await emit({ kind: "room", ...structuredClone(sampleRoom), ...patch });
  await emit({ kind: "tick", ...structuredClone(sampleTick) });
};

describe("home", () => {
  it("asks for a display name on first run and saves it", async () => {
    settings.value = { ...settingsJson, displayName: "" } satisfies Settings;
    await flush();
    expect($("name-gate")).not.toBeNull();
    replies.save_settings = (a) => a?.settings;
    await type($<HTMLInputElement>("name-input")!, "  Ada  ");
    await submit($("name-gate"));
    expect(calls).toContainEqual(["save_settings", { settings: { ...settingsJson, displayName: "Ada" } }]);
    expect($("name-gate")).toBeNull();
    expect($("home")).not.toBeNull();
  });

  it("joins by code, and shows Rust's error next to the form", async () => {
    replies.join_room = () => Promise.reject({ kind: "room-not-found", message: "No room has the code ZZZZZZ." });
    await type($<HTMLInputElement>("join-code")!, "zz zzzz");
    await type($<HTMLInputElement>("join-password")!, "pw");
    await submit($("join-form"));
    expect(calls).toContainEqual(["join_room", { request: { address: "192.168.1.20:7878", code: "ZZZZZZ", password: "pw" } }]);
    expect($("join-error")?.textContent).toBe("No room has the code ZZZZZZ.");
  });

  it("hosts with the chosen policy and no password", async () => {
    const policy = $<HTMLSelectElement>("host-policy")!;
    policy.value = "everyone";
    await act(async () => {
      policy.dispatchEvent(new Event("change", { bubbles: true }));
    });
    await submit($("host-form"));
    expect(calls).toContainEqual(["host_room", { request: { name: "Ada's room", policy: "everyone", password: null } }]);
  });

  it("lists discovered rooms and asks for a password when needed", async () => {
    await emit({ kind: "discovery", rooms: sampleDiscovery });
    const rows = $$("discovery-room");
    expect(rows.map((r) => r.dataset.code)).toEqual(["K7QM2D", "P4XW9B"]);
    await click(rows[0]!.querySelector('[data-testid="discovery-join"]'));
    expect(calls).toContainEqual(["join_room", { request: { address: "ws://192.168.1.20:7878/ws", code: "K7QM2D", password: null } }]);
    await click(rows[1]!.querySelector('[data-testid="discovery-join"]'));
    await type($<HTMLInputElement>("discovery-password")!, "secret");
    await click($("discovery-password-submit"));
    expect(calls).toContainEqual(["join_room", { request: { address: "ws://192.168.1.31:7878/ws", code: "P4XW9B", password: "secret" } }]);
  });

  it("checks a pasted link before sending it", async () => {
    await type($<HTMLInputElement>("open-link-input")!, "https://youtu.be/dQw4w9WgXcQ");
    await click($("open-link-submit"));
    expect($("open-link-error")?.textContent).toMatch(/song link/);
    expect(calls.filter((c) => c[0] === "open_link")).toEqual([]);
    await type($<HTMLInputElement>("open-link-input")!, "tandem://join/K7QM2D");
    await click($("open-link-submit"));
    expect(calls).toContainEqual(["open_link", { link: "tandem://join/K7QM2D" }]);
  });

  it("explains a failed join", async () => {
    await emit({ kind: "session", status: "failed", message: "Wrong password.", errorKind: "wrong-password", retryInMs: null });
    expect($("session-error")?.textContent).toBe("Wrong password.");
  });
});

describe("room", () => {
  it("shows the room, the share panel and a safe QR image", async () => {
    await inRoom();
    expect($("room-name")?.textContent).toBe("Friday night");
    expect($("room-code")?.textContent).toBe("K7QM2D");
    expect($("member-count")?.textContent).toContain("3");
    const qr = $<HTMLImageElement>("share-qr")!;
    expect(qr.getAttribute("src")!.startsWith("data:image/svg+xml;utf8,%3Csvg")).toBe(true);
    expect(root.querySelector("svg rect[fill='#fff']")).toBeNull(); // never parsed into the page
    expect($("sync-label")?.textContent).toBe("in sync ±0.4 ms");
    expect($("now-title")?.textContent).toBe("Never Gonna Give You Up");
    expect($("youtube-player")?.hidden).toBe(false);
  });

  it("votes, withdrawing an active vote with 0", async () => {
    await inRoom();
    const [first, second] = $$("queue-item");
    await click(first!.querySelector('[data-testid="vote-up"]')); // myVote 1 → 0
    await click(second!.querySelector('[data-testid="vote-up"]')); // myVote -1 → 1
    expect(calls.filter((c) => c[0] === "vote")).toEqual([
      ["vote", { songId: 11, vote: 0 }],
      ["vote", { songId: 12, vote: 1 }],
    ]);
  });

  it("reorders with Alt+arrows for the host", async () => {
    await inRoom();
    const items = $$("queue-item");
    await key("ArrowDown", { altKey: true }, items[0]!);
    await key("ArrowUp", { altKey: true }, items[0]!); // already first: nothing
    expect(calls.filter((c) => c[0] === "reorder")).toEqual([["reorder", { songId: 11, toIndex: 1 }]]);
  });

  it("disables controls for a listener, with the reason shown", async () => {
    await inRoom({ canControl: false, controlReason: "Only the host and DJs control playback in this room.", me: { memberId: 3, role: "listener", name: "Linus" }, hosting: false, share: null });
    const play = $<HTMLButtonElement>("play-pause")!;
    expect(play.disabled).toBe(true);
    expect(play.title).toMatch(/Only the host and DJs/);
    expect($("control-reason")?.textContent).toBe("Only the host and DJs control playback in this room.");
    expect($("share-panel")).toBeNull();
    expect($$("play-now")).toEqual([]);
    expect($$("member-menu")).toEqual([]);
  });

  it("sends chat on Enter, as plain text, within 500 characters", async () => {
    await inRoom();
    const texts = $$("chat-text").map((t) => t.innerHTML);
    expect(texts[1]).toContain("&lt;b&gt;No&lt;/b&gt;");
    const input = $<HTMLInputElement>("chat-input")!;
    expect(input.maxLength).toBe(500);
    await type(input, "x".repeat(700));
    await flush();
    expect($("chat-counter")?.textContent).toMatch(/500-character limit/);
    await submit(input.form);
    const sent = calls.find((c) => c[0] === "chat")!;
    expect((sent[1]!.text as string).length).toBe(500);
  });

  it("pauses with Space, but not while typing", async () => {
    await inRoom();
    await key(" ");
    expect(calls).toContainEqual(["control", { control: { kind: "pause" } }]);
    calls = [];
    const input = $<HTMLInputElement>("chat-input")!;
    input.focus();
    await key(" ", {}, input);
    expect(calls.filter((c) => c[0] === "control")).toEqual([]);
  });

  it("focuses the add-link field with Ctrl+L and checks links inline", async () => {
    await inRoom();
    await key("l", { ctrlKey: true });
    expect(document.activeElement).toBe($("add-link-input"));
    await type($<HTMLInputElement>("add-link-input")!, "https://example.com/song");
    await submit($("add-link-input")!.closest("form"));
    expect($("add-link-error")?.textContent).toMatch(/not a YouTube video or a Spotify track/);
    expect(calls.filter((c) => c[0] === "add_link")).toEqual([]);
    await type($<HTMLInputElement>("add-link-input")!, "spotify:track:4uLU6hMCjMI75M1A2tKUQC");
    await submit($("add-link-input")!.closest("form"));
    expect(calls).toContainEqual(["add_link", { url: "spotify:track:4uLU6hMCjMI75M1A2tKUQC" }]);
  });

  it("hands over the host role only after confirmation", async () => {
    await inRoom();
    const grace = $$("member").find((m) => m.dataset.memberId === "2")!;
    await click(grace.querySelector('[data-testid="member-menu"]'));
    await click(grace.querySelector('[data-testid="member-make-host"]'));
    expect($("transfer-host-dialog")).not.toBeNull();
    expect(calls.filter((c) => c[0] === "transfer_host")).toEqual([]);
    await click($("transfer-host-dialog-confirm"));
    expect(calls).toContainEqual(["transfer_host", { memberId: 2 }]);
  });

  it("closes the room after confirmation, and Escape cancels", async () => {
    await inRoom();
    await click($("close-room"));
    await key("Escape");
    expect($("close-room-dialog")).toBeNull();
    await click($("close-room"));
    await click($("close-room-dialog-confirm"));
    expect(calls).toContainEqual(["close_room", undefined]);
  });

  it("keeps the room up with a banner while reconnecting", async () => {
    await inRoom();
    await emit({ kind: "session", status: "reconnecting", message: null, errorKind: null, retryInMs: 1200 });
    expect($("room")).not.toBeNull();
    expect($("connection-banner-text")?.textContent).toMatch(/^Connection lost\. Reconnecting in 1\.\d s…$/);
  });

  it("shows the empty-room explanation", async () => {
    await inRoom({ queue: [], nowPlaying: null, memberCount: 1, members: [sampleRoom.members[0]] });
    expect($("queue-empty")?.dataset.kind).toBe("new-room");
    expect($("invite-hint")?.textContent).toContain("K7QM2D");
  });

  it("shows notices as toasts", async () => {
    await emit({ kind: "notice", level: "error", code: "unreachable", message: "The host is unreachable." } satisfies UiEvent);
    const t = $$("toast");
    expect(t.map((x) => [x.dataset.level, x.dataset.kind])).toEqual([["error", "unreachable"]]);
    await click($("toast-dismiss"));
    expect($$("toast")).toEqual([]);
  });
});

describe("Rust's own output (the IPC fixtures)", () => {
  it("renders every fixture event", async () => {
    await emit(discoveryFixture);
    expect($$("discovery-room")).toHaveLength(discoveryFixture.rooms.length);
    await emit(sessionFixture);
    await emit(roomFixture);
    await emit(tickFixture);
    await emit(noticeFixture);
    expect($("room-name")?.textContent).toBe(roomFixture.name);
    expect($("room-code")?.textContent).toBe(roomFixture.code);
    expect($$("queue-item")).toHaveLength(roomFixture.queue.length);
    expect($$("member")).toHaveLength(roomFixture.members.length);
    expect($$("chat-message")).toHaveLength(roomFixture.chat.length);
    expect($("sync-label")?.textContent).toBe(tickFixture.sync.label);
    if (roomFixture.nowPlaying) expect($("now-title")?.textContent).toBe(roomFixture.nowPlaying.song.title);
    if (sessionFixture.status === "reconnecting") expect($("connection-banner")).not.toBeNull();
    expect($$("toast").map((t) => t.textContent)).toContain(noticeFixture.message);
  });
});

describe("settings", () => {
  it("opens with Ctrl+, and saves what was changed", async () => {
    replies.list_output_devices = () => ["Speakers", "USB Headphones"];
    replies.save_settings = (a) => a?.settings;
    await key(",", { ctrlKey: true });
    expect($("settings")).not.toBeNull();
    await flush();
    const out = $<HTMLSelectElement>("settings-output")!;
    expect(Array.from(out.options).map((o) => o.textContent)).toEqual(["System default", "Speakers", "USB Headphones"]);
    out.value = "USB Headphones";
    await act(async () => {
      out.dispatchEvent(new Event("change", { bubbles: true }));
    });
    const theme = $<HTMLSelectElement>("settings-theme")!;
    theme.value = "dark";
    await act(async () => {
      theme.dispatchEvent(new Event("change", { bubbles: true }));
    });
    await click($("settings-save"));
    expect(calls).toContainEqual(["save_settings", { settings: { ...settingsJson, outputDevice: "USB Headphones", theme: "dark" } }]);
    expect($("settings")).toBeNull();
    expect(document.documentElement.dataset.theme).toBe("dark");
  });

  it("refuses a bad port inline", async () => {
    await click($("open-settings"));
    await type($<HTMLInputElement>("settings-port")!, "70000");
    await click($("settings-save"));
    expect($("settings-error")?.textContent).toMatch(/0 to 65535/);
    expect(calls.filter((c) => c[0] === "save_settings")).toEqual([]);
  });
});

describe("settings: Spotify", () => {
  const ID = "0123456789abcdef0123456789abcdef";
  const notSetUp: SpotifyView = {
    clientId: "",
    redirectUri: "http://127.0.0.1:43117/callback",
    connected: false,
    account: null,
    status: "not-configured",
    message: "Spotify is not set up.",
    device: { kind: "auto" },
  };
  const ready: SpotifyView = { ...notSetUp, clientId: ID, connected: true, account: "Ada", status: "ready", message: "Ready." };
  const devices: SpotifyDevice[] = [
    { id: "d1", name: "Laptop", kind: "Computer", isActive: true, usable: true },
    { id: "d2", name: "Car", kind: "Automobile", isActive: false, usable: false },
  ];
  const spotifyCalls = () => calls.filter((c) => c[0].startsWith("spotify_"));

  it("checks the Client ID, waits for the browser, then offers the devices", async () => {
    replies.spotify_state = () => notSetUp;
    let finish: (v: SpotifyView) => void = () => {};
    replies.spotify_connect = () => new Promise<SpotifyView>((r) => (finish = r));
    replies.spotify_devices = () => devices;
    replies.spotify_choose_device = (a) => ({ ...ready, device: a?.choice });
    await click($("open-settings"));
    await flush();
    expect($("spotify-guide")).not.toBeNull();
    expect($<HTMLInputElement>("spotify-redirect-uri")!.value).toBe(notSetUp.redirectUri);
    expect($("spotify-status")?.dataset.status).toBe("not-configured");

    await type($<HTMLInputElement>("spotify-client-id")!, "not-an-id");
    await click($("spotify-connect"));
    expect($("spotify-client-id-error")?.textContent).toMatch(/0–9 and the letters a–f/);
    expect(spotifyCalls().map((c) => c[0])).toEqual(["spotify_state"]);

    await type($<HTMLInputElement>("spotify-client-id")!, ` ${ID} `);
    await key("Enter", {}, $("spotify-client-id")!);
    expect($("settings")).not.toBeNull();
    expect($("spotify-client-id-error")).toBeNull();
    expect(calls).toContainEqual(["spotify_connect", { clientId: ID }]);
    expect($("spotify-waiting")?.textContent).toMatch(/Waiting for Spotify in your browser/);

    await act(async () => {
      finish(ready);
      await new Promise((r) => setTimeout(r, 0));
    });
    await flush();
    expect($("spotify-waiting")).toBeNull();
    expect($("spotify-account")?.textContent).toBe("Connected as Ada");
    expect($("spotify-status")?.dataset.status).toBe("ready");
    const select = $<HTMLSelectElement>("spotify-device-select")!;
    expect(Array.from(select.options).map((o) => [o.textContent, o.disabled])).toEqual([
      ["Automatic (the active device)", false],
      ["Laptop (Computer, active)", false],
      ["Car (Automobile, cannot be controlled)", true],
    ]);
    select.value = "d1";
    await act(async () => {
      select.dispatchEvent(new Event("change", { bubbles: true }));
    });
    await flush();
    expect(calls).toContainEqual(["spotify_choose_device", { choice: { kind: "id", id: "d1", name: "Laptop" } }]);
    expect($<HTMLSelectElement>("spotify-device-select")!.value).toBe("d1");

    replies.spotify_disconnect = () => ({ ...notSetUp, clientId: ID, status: "not-connected", message: "Not connected." });
    await click($("spotify-disconnect"));
    expect($("spotify-guide")).not.toBeNull();
    expect($<HTMLInputElement>("spotify-client-id")!.value).toBe(ID);
  });

  it("keeps what Spotify changed when the settings are saved", async () => {
    replies.spotify_state = () => ready;
    replies.spotify_devices = () => devices;
    replies.spotify_choose_device = (a) => ({ ...ready, device: a?.choice });
    replies.save_settings = (a) => a?.settings;
    await click($("open-settings"));
    await flush();
    const select = $<HTMLSelectElement>("spotify-device-select")!;
    select.value = "d1";
    await act(async () => {
      select.dispatchEvent(new Event("change", { bubbles: true }));
    });
    await flush();
    await click($("settings-save"));
    expect(calls).toContainEqual([
      "save_settings",
      { settings: { ...settingsJson, spotifyClientId: ID, spotifyDevice: { kind: "id", id: "d1", name: "Laptop" } } },
    ]);
  });

  it("shows a failed login and an unreachable Spotify inline", async () => {
    replies.spotify_state = () => notSetUp;
    replies.spotify_connect = () => Promise.reject({ kind: "spotify-denied", message: "You did not allow Tandem in Spotify." });
    await click($("open-settings"));
    await flush();
    await type($<HTMLInputElement>("spotify-client-id")!, ID);
    await click($("spotify-connect"));
    expect($("spotify-waiting")).toBeNull();
    expect($("spotify-error")?.textContent).toBe("You did not allow Tandem in Spotify.");

    replies.spotify_connect = () => ({ ...ready, status: "no-device", message: "Open Spotify somewhere." });
    replies.spotify_devices = () => Promise.reject({ kind: "spotify-unreachable", message: "Spotify cannot be reached." });
    await click($("spotify-connect"));
    await flush();
    expect($("spotify-status")?.dataset.status).toBe("no-device");
    expect($("spotify-status")?.className).toContain("tone-warn");
    expect($("spotify-error")?.textContent).toBe("Spotify cannot be reached.");
  });
});
