import { describe, expect, it } from "vitest";
import { quantize } from "./quantize";

describe("the progress bar's quantum", () => {
  it("is one pixel of the bar", () => {
    // A 3-minute song on 600 px: 0.3 s per pixel.
    expect(quantize(1_000_000, 180_000_000, 600)).toBe(900_000);
    expect(quantize(1_199_999, 180_000_000, 600)).toBe(900_000);
    expect(quantize(1_200_000, 180_000_000, 600)).toBe(1_200_000);
  });
  it("is never coarser than a second, so the clock ticks", () => {
    expect(quantize(2_500_000, 3_600_000_000, 100)).toBe(2_000_000);
  });
  it("is never finer than 50 ms", () => {
    expect(quantize(1_234_567, 10_000_000, 2000)).toBe(1_200_000);
  });
  it("is a second without a known length or width", () => {
    expect(quantize(3_700_000, null, 600)).toBe(3_000_000);
    expect(quantize(3_700_000, 180_000_000, 0)).toBe(3_000_000);
  });
  it("is never negative", () => {
    expect(quantize(-5, 180_000_000, 600)).toBe(0);
  });
});
