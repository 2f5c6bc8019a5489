import { describe, expect, it } from "vitest";
import { nextVote } from "./vote";

describe("nextVote", () => {
  it("casts a vote when there is none", () => {
    expect(nextVote(0, 1)).toBe(1);
    expect(nextVote(0, -1)).toBe(-1);
  });
  it("withdraws the vote when the active button is clicked again", () => {
    expect(nextVote(1, 1)).toBe(0);
    expect(nextVote(-1, -1)).toBe(0);
  });
  it("switches sides", () => {
    expect(nextVote(1, -1)).toBe(-1);
    expect(nextVote(-1, 1)).toBe(1);
  });
});
