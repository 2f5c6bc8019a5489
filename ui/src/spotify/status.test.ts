import { describe, expect, it } from "vitest";
import { spotifyStatusLabel, spotifyTone } from "./status";

const PROBLEMS = ["premium-required", "no-device", "session-expired", "rate-limited", "error"];

describe("Spotify status", () => {
  it("is green only when ready", () => {
    expect(spotifyTone("ready")).toBe("good");
    expect(spotifyStatusLabel("ready")).toBe("Ready");
  });

  it("warns for every problem", () => {
    for (const s of PROBLEMS) expect(spotifyTone(s), s).toBe("warn");
    expect(PROBLEMS.map(spotifyStatusLabel)).toEqual(["Premium required", "No device", "Login expired", "Too many requests", "Problem"]);
  });

  it("stays grey while not set up, not connected or connecting", () => {
    for (const s of ["not-configured", "not-connected", "connecting"]) expect(spotifyTone(s), s).toBe("neutral");
    expect(spotifyStatusLabel("not-configured")).toBe("Not set up");
    expect(spotifyStatusLabel("connecting")).toBe("Connecting…");
  });

  it("treats an unknown code as a problem", () => {
    expect(spotifyTone("something-new")).toBe("warn");
    expect(spotifyStatusLabel("something-new")).toBe("Needs attention");
    expect(spotifyStatusLabel("toString")).toBe("Needs attention");
  });
});
