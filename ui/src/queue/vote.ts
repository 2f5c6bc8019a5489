export type Vote = -1 | 0 | 1;

/** The vote to send when a person clicks `clicked` (up 1 / down -1): clicking the active one again withdraws it. */
export function nextVote(current: Vote, clicked: 1 | -1): Vote {
  return current === clicked ? 0 : clicked;
}
