import { describe, expect, it } from "vitest";
import {
  formatClockUs,
  formatDurationUs,
  formatRemainingUs,
  formatSignedUs,
  formatSmallUs,
  formatUs,
  formatWaitMs,
} from "./format";

describe("formatUs", () => {
  it("shows minutes and zero-padded seconds", () => {
    expect(formatUs(0)).toBe("0:00");
    expect(formatUs(999_999)).toBe("0:00");
    expect(formatUs(1_000_000)).toBe("0:01");
    expect(formatUs(61_500_000)).toBe("1:01");
    expect(formatUs(599_000_000)).toBe("9:59");
    expect(formatUs(3_599_999_999)).toBe("59:59");
  });
  it("switches to h:mm:ss from an hour", () => {
    expect(formatUs(3_600_000_000)).toBe("1:00:00");
    expect(formatUs(3_725_000_000)).toBe("1:02:05");
    expect(formatUs(36_000_000_000)).toBe("10:00:00");
  });
  it("treats negative, NaN and unknown as zero", () => {
    expect(formatUs(-5_000_000)).toBe("0:00");
    expect(formatUs(Number.NaN)).toBe("0:00");
    expect(formatUs(null)).toBe("0:00");
    expect(formatUs(undefined)).toBe("0:00");
  });
});

describe("formatRemainingUs", () => {
  it("counts down to the end", () => {
    expect(formatRemainingUs(60_000_000, 240_000_000)).toBe("-3:00");
    expect(formatRemainingUs(239_500_000, 240_000_000)).toBe("-0:00");
  });
  it("never goes below zero and is empty without a length", () => {
    expect(formatRemainingUs(300_000_000, 240_000_000)).toBe("-0:00");
    expect(formatRemainingUs(10, null)).toBe("");
    expect(formatRemainingUs(10, 0)).toBe("");
  });
});

describe("formatDurationUs", () => {
  it("shows a dash when unknown", () => {
    expect(formatDurationUs(null)).toBe("–");
    expect(formatDurationUs(undefined)).toBe("–");
    expect(formatDurationUs(213_000_000)).toBe("3:33");
  });
});

describe("small durations", () => {
  it("formats waits in seconds with one decimal", () => {
    expect(formatWaitMs(1234)).toBe("1.2 s");
    expect(formatWaitMs(-3)).toBe("0.0 s");
  });
  it("picks a readable unit", () => {
    expect(formatSmallUs(420)).toBe("0.42 ms");
    expect(formatSmallUs(12_340)).toBe("12.3 ms");
    expect(formatSmallUs(250_400)).toBe("250 ms");
    expect(formatSmallUs(1_250_000)).toBe("1.25 s");
    expect(formatSmallUs(-3_000)).toBe("-3.0 ms");
    expect(formatSignedUs(3_000)).toBe("+3.0 ms");
    expect(formatSignedUs(0)).toBe("0.00 ms");
  });
});

describe("formatClockUs", () => {
  it("shows hours and minutes", () => {
    const at = new Date(2024, 4, 3, 14, 5, 30).getTime() * 1000;
    expect(formatClockUs(at, "en-GB")).toBe("14:05");
  });
});
