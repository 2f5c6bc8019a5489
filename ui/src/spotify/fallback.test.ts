import { describe, expect, it } from "vitest";
import { youtubeQuery } from "./fallback";

describe("the YouTube fallback search", () => {
  it("is the title and the artist", () => {
    expect(youtubeQuery("Midnight City", "M83")).toBe("Midnight City M83");
  });
  it("is the title alone without an artist", () => {
    expect(youtubeQuery("  Midnight City ", null)).toBe("Midnight City");
  });
  it("is cut to 200 characters", () => {
    expect(youtubeQuery("x".repeat(300), "y").length).toBe(200);
  });
});
