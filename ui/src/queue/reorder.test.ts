import { describe, expect, it } from "vitest";
import { dropIndex, dropPlace, keyboardMove } from "./reorder";

/** Applies a move as the server does: remove, then insert at `to`. */
function apply<T>(list: T[], from: number, to: number): T[] {
  const out = list.slice();
  const [item] = out.splice(from, 1);
  out.splice(to, 0, item as T);
  return out;
}

describe("dropIndex", () => {
  const list = ["a", "b", "c", "d"];
  it("moves down: dropping a after c puts it after c", () => {
    const to = dropIndex(0, 2, "after");
    expect(to).toBe(2);
    expect(apply(list, 0, to!)).toEqual(["b", "c", "a", "d"]);
  });
  it("moves down: dropping a before c puts it before c", () => {
    const to = dropIndex(0, 2, "before");
    expect(to).toBe(1);
    expect(apply(list, 0, to!)).toEqual(["b", "a", "c", "d"]);
  });
  it("moves up", () => {
    expect(apply(list, 3, dropIndex(3, 0, "before")!)).toEqual(["d", "a", "b", "c"]);
    expect(apply(list, 3, dropIndex(3, 0, "after")!)).toEqual(["a", "d", "b", "c"]);
  });
  it("moves to the end", () => {
    expect(apply(list, 1, dropIndex(1, 3, "after")!)).toEqual(["a", "c", "d", "b"]);
  });
  it("is a no-op when dropped on itself or right next to itself", () => {
    expect(dropIndex(1, 1, "before")).toBeNull();
    expect(dropIndex(1, 1, "after")).toBeNull();
    expect(dropIndex(1, 0, "after")).toBeNull();
    expect(dropIndex(1, 2, "before")).toBeNull();
    expect(dropIndex(-1, 2, "before")).toBeNull();
  });
});

describe("dropPlace", () => {
  it("splits an item in halves", () => {
    expect(dropPlace(5, 40)).toBe("before");
    expect(dropPlace(20, 40)).toBe("after");
  });
});

describe("keyboardMove", () => {
  it("moves one step and stops at the ends", () => {
    expect(keyboardMove(2, -1, 4)).toBe(1);
    expect(keyboardMove(2, 1, 4)).toBe(3);
    expect(keyboardMove(0, -1, 4)).toBeNull();
    expect(keyboardMove(3, 1, 4)).toBeNull();
  });
});
