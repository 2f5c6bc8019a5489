import { describe, expect, it } from "vitest";
import { placeholderCover, safeCover, svgDataUrl } from "./cover";

describe("placeholderCover", () => {
  it("is stable for a song and differs between songs", () => {
    expect(placeholderCover("Teardrop", "Massive Attack")).toEqual(placeholderCover("Teardrop", "Massive Attack"));
    expect(placeholderCover("Teardrop", "Massive Attack").from).not.toBe(placeholderCover("Angel", "Massive Attack").from);
  });
  it("uses the first letter, or a note", () => {
    expect(placeholderCover("élan").initial).toBe("É");
    expect(placeholderCover("  ...").initial).toBe("♪");
    expect(placeholderCover("").initial).toBe("♪");
  });
});

describe("safeCover", () => {
  it("accepts base64 image data URLs only", () => {
    expect(safeCover("data:image/png;base64,iVBORw0KGgo=")).toBe("data:image/png;base64,iVBORw0KGgo=");
    expect(safeCover("data:image/svg+xml;utf8,<svg onload=alert(1)>")).toBeNull();
    expect(safeCover("https://example.com/a.png")).toBeNull();
    expect(safeCover("javascript:alert(1)")).toBeNull();
    expect(safeCover(null)).toBeNull();
  });
});

describe("svgDataUrl", () => {
  it("encodes the whole document so nothing is interpreted as markup", () => {
    const url = svgDataUrl('<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>');
    expect(url.startsWith("data:image/svg+xml;utf8,%3Csvg")).toBe(true);
    expect(url).not.toMatch(/[<>"]/);
  });
});
