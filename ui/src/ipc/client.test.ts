import { afterEach, describe, expect, it, vi } from "vitest";
import * as api from "./client";
import type { UiEvent } from "./types";

function fake(reply: (cmd: string, args?: Record<string, unknown>) => unknown) {
  const calls: Array<[string, Record<string, unknown> | undefined]> = [];
  let handler: ((e: UiEvent) => void) | null = null;
  const t: api.Transport = {
    invoke: async (cmd, args) => {
      calls.push([cmd, args]);
      return reply(cmd, args);
    },
    subscribe: async (on) => {
      handler = on;
    },
  };
  api.setTransport(t);
  return { calls, emit: (e: UiEvent) => handler?.(e) };
}

afterEach(() => api.setTransport(api.offlineTransport));

describe("ipc client", () => {
  it("sends the Rust command names with camelCase arguments", async () => {
    const { calls } = fake(() => undefined);
    await api.vote(7, -1);
    await api.reorder(7, 2);
    await api.control({ kind: "seek", positionUs: 5_000_000 });
    await api.hostRoom({ name: "Party", policy: "everyone", password: null });
    await api.joinRoom({ address: "", code: "K7QM2D", password: "pw" });
    await api.setRole(3, "dj");
    await api.youtubeReport({ event: "ready" });
    await api.leaveRoom();
    expect(calls).toEqual([
      ["vote", { songId: 7, vote: -1 }],
      ["reorder", { songId: 7, toIndex: 2 }],
      ["control", { control: { kind: "seek", positionUs: 5_000_000 } }],
      ["host_room", { request: { name: "Party", policy: "everyone", password: null } }],
      ["join_room", { request: { address: "", code: "K7QM2D", password: "pw" } }],
      ["set_role", { memberId: 3, role: "dj" }],
      ["youtube_report", { report: { event: "ready" } }],
      ["leave_room", undefined],
    ]);
  });

  it("sends the Spotify commands with their arguments", async () => {
    const { calls } = fake(() => undefined);
    await api.spotifyState();
    await api.spotifyConnect("0123456789abcdef0123456789abcdef");
    await api.spotifyDevices();
    await api.spotifyChooseDevice({ kind: "id", id: "d1", name: "Kitchen" });
    await api.spotifyChooseDevice({ kind: "auto" });
    await api.spotifyDisconnect();
    expect(calls).toEqual([
      ["spotify_state", undefined],
      ["spotify_connect", { clientId: "0123456789abcdef0123456789abcdef" }],
      ["spotify_devices", undefined],
      ["spotify_choose_device", { choice: { kind: "id", id: "d1", name: "Kitchen" } }],
      ["spotify_choose_device", { choice: { kind: "auto" } }],
      ["spotify_disconnect", undefined],
    ]);
  });

  it("returns command results", async () => {
    fake((cmd) => (cmd === "list_output_devices" ? ["Speakers", "Headphones"] : null));
    await expect(api.listOutputDevices()).resolves.toEqual(["Speakers", "Headphones"]);
  });

  it("hands subscribed events over", async () => {
    const { emit } = fake(() => undefined);
    const on = vi.fn();
    await api.subscribe(on);
    emit({ kind: "discovery", rooms: [] });
    expect(on).toHaveBeenCalledTimes(1);
  });

  it("rejects with a UiError whatever the backend threw", async () => {
    fake(() => {
      throw { kind: "wrong-password", message: "The password is wrong." };
    });
    await expect(api.joinRoom({ address: "", code: "X", password: null })).rejects.toEqual({
      kind: "wrong-password",
      message: "The password is wrong.",
    });
    fake(() => {
      throw "plain text";
    });
    await expect(api.leaveRoom()).rejects.toEqual({ kind: "error", message: "plain text" });
    fake(() => {
      throw new TypeError("");
    });
    await expect(api.leaveRoom()).rejects.toMatchObject({ kind: "error", message: expect.stringMatching(/went wrong/) });
  });

  it("fails clearly outside the app", async () => {
    api.setTransport(api.offlineTransport);
    await expect(api.getSettings()).rejects.toMatchObject({ kind: "no-backend" });
    expect(api.hasTauri()).toBe(false);
  });
});
