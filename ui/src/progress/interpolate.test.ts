import { describe, expect, it } from "vitest";
import { ProgressInterpolator, progressFraction, seekTarget } from "./interpolate";

const tick = (positionUs: number, isPlaying = true, songId: number | null = 1, durationUs: number | null = 240_000_000) => ({
  songId,
  positionUs,
  durationUs,
  isPlaying,
});

describe("ProgressInterpolator", () => {
  it("advances with the clock while playing", () => {
    const p = new ProgressInterpolator();
    p.update(tick(10_000_000), 1000);
    expect(p.sample(1000)).toBe(10_000_000);
    expect(p.sample(1016)).toBe(10_016_000);
    expect(p.sample(1100)).toBe(10_100_000);
  });

  it("stands still while paused", () => {
    const p = new ProgressInterpolator();
    p.update(tick(10_000_000, false), 1000);
    expect(p.sample(5000)).toBe(10_000_000);
  });

  it("never runs backwards on a small correction", () => {
    const p = new ProgressInterpolator();
    p.update(tick(10_000_000), 0);
    expect(p.sample(100)).toBe(10_100_000);
    // The next tick says the room is 30 ms behind what we showed.
    p.update(tick(10_070_000), 100);
    expect(p.sample(100)).toBe(10_100_000);
    expect(p.sample(120)).toBe(10_100_000); // holds: 10_090_000 would be backwards
    expect(p.sample(140)).toBe(10_110_000); // caught up, moves again
    let last = 0;
    for (let t = 140; t < 400; t += 16) {
      const v = p.sample(t);
      expect(v).toBeGreaterThanOrEqual(last);
      last = v;
    }
  });

  it("does not move back when a pause lands slightly earlier than shown", () => {
    const p = new ProgressInterpolator();
    p.update(tick(10_000_000), 0);
    expect(p.sample(100)).toBe(10_100_000);
    p.update(tick(10_080_000, false), 100);
    expect(p.sample(100)).toBe(10_100_000);
    expect(p.sample(2000)).toBe(10_100_000);
  });

  it("takes small forward corrections at once", () => {
    const p = new ProgressInterpolator();
    p.update(tick(10_000_000), 0);
    p.sample(100);
    p.update(tick(10_150_000), 100);
    expect(p.sample(100)).toBe(10_150_000);
  });

  it("snaps on a large jump backwards (a seek)", () => {
    const p = new ProgressInterpolator();
    p.update(tick(100_000_000), 0);
    p.sample(100);
    p.update(tick(30_000_000), 100);
    expect(p.sample(100)).toBe(30_000_000);
    expect(p.sample(200)).toBe(30_100_000);
  });

  it("snaps on a new song even when the difference is small", () => {
    const p = new ProgressInterpolator();
    p.update(tick(300_000), 0);
    p.sample(100); // 400_000
    p.update(tick(0, true, 2), 100);
    expect(p.sample(100)).toBe(0);
  });

  it("clamps to the song's length and to zero", () => {
    const p = new ProgressInterpolator();
    p.update(tick(239_900_000), 0);
    expect(p.sample(10_000)).toBe(240_000_000);
    p.update(tick(-5_000, true, 3), 0);
    expect(p.sample(0)).toBe(0);
  });

  it("keeps running without a known length", () => {
    const p = new ProgressInterpolator();
    p.update(tick(0, true, 1, null), 0);
    expect(p.sample(1000)).toBe(1_000_000);
  });

  it("forgets everything on reset", () => {
    const p = new ProgressInterpolator();
    p.update(tick(50_000_000), 0);
    p.reset();
    p.update(tick(1_000_000), 0);
    expect(p.sample(0)).toBe(1_000_000);
  });
});

describe("progressFraction and seekTarget", () => {
  it("maps positions to fractions and back", () => {
    expect(progressFraction(60_000_000, 240_000_000)).toBe(0.25);
    expect(progressFraction(1, null)).toBe(0);
    expect(progressFraction(500, 100)).toBe(1);
    expect(seekTarget(0.5, 240_000_000)).toBe(120_000_000);
    expect(seekTarget(-1, 240_000_000)).toBe(0);
    expect(seekTarget(2, 240_000_000)).toBe(240_000_000);
    expect(seekTarget(1 / 3, 100_000_000) % 1000).toBe(0);
  });
});
