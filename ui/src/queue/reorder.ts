// Where a moved queue item ends up. `reorder({ songId, toIndex })` takes the item's index in the
// queue *after* the move (the server removes it, then inserts it at `toIndex`).

/**
 * The target index when the item at `from` is dropped on the item at `over`, in the half
 * `before` or `after` it. `null` when nothing would change.
 */
export function dropIndex(from: number, over: number, place: "before" | "after"): number | null {
  if (from < 0 || over < 0) return null;
  let to = place === "after" ? over + 1 : over;
  if (from < to) to -= 1;
  return to === from ? null : to;
}

/** Which half of an item the pointer is in, from its offset within the item's height. */
export function dropPlace(offsetY: number, height: number): "before" | "after" {
  return offsetY < height / 2 ? "before" : "after";
}

/** The target index for a keyboard move (`delta` -1 up, +1 down), `null` at the ends. */
export function keyboardMove(from: number, delta: -1 | 1, length: number): number | null {
  const to = from + delta;
  return from < 0 || to < 0 || to >= length ? null : to;
}
