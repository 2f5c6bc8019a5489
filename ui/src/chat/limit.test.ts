import { describe, expect, it } from "vitest";
import { CHAT_MAX, chatRemaining, chatToSend, clampChat } from "./limit";

describe("chat limit", () => {
  it("cuts at 500 characters", () => {
    expect(clampChat("a".repeat(800))).toHaveLength(CHAT_MAX);
    expect(clampChat("short")).toBe("short");
  });
  it("does not split an emoji at the edge", () => {
    const text = `${"a".repeat(CHAT_MAX - 1)}🎵`;
    expect(clampChat(text)).toBe("a".repeat(CHAT_MAX - 1));
  });
  it("sends trimmed text and nothing for blanks", () => {
    expect(chatToSend("  hi  ")).toBe("hi");
    expect(chatToSend("   ")).toBeNull();
    expect(chatToSend("")).toBeNull();
  });
  it("counts what is left", () => {
    expect(chatRemaining("a".repeat(480))).toBe(20);
  });
});
