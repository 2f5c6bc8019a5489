// Compile-time check of the fixtures Rust writes (crates/desktop-core/tests/ipc_fixtures.rs)
// against types.ts: `tsc --noEmit` fails when a fixture lacks a field the types require or has
// one of the wrong primitive type. JSON imports widen string literals (`"room"` becomes
// `string`), so the fixtures are checked against widened versions of the types; the literal values
// and the exact key sets are checked at run time by fixtures.test.ts.

import discovery from "./fixtures/discovery.json";
import notice from "./fixtures/notice.json";
import room from "./fixtures/room.json";
import session from "./fixtures/session.json";
import settings from "./fixtures/settings.json";
import tick from "./fixtures/tick.json";
import youtube from "./fixtures/youtube.json";
import type { Settings, UiEvent } from "./types";

/** `T` with string/number/boolean literal types widened to their primitives, recursively. */
export type Widen<T> = T extends null
  ? null
  : T extends undefined
    ? undefined
    : T extends string
      ? string
      : T extends number
        ? number
        : T extends boolean
          ? boolean
          : T extends readonly (infer U)[]
            ? Widen<U>[]
            : T extends object
              ? { [K in keyof T]: Widen<T[K]> }
              : T;

export type Variant<K extends UiEvent["kind"]> = Extract<UiEvent, { kind: K }>;

/** Identity, typed: the argument must be assignable to `T`. */
export function check<T>(value: T): T {
  return value;
}

export const fixtures = {
  session: check<Widen<Variant<"session">>>(session),
  room: check<Widen<Variant<"room">>>(room),
  tick: check<Widen<Variant<"tick">>>(tick),
  discovery: check<Widen<Variant<"discovery">>>(discovery),
  notice: check<Widen<Variant<"notice">>>(notice),
  youtube: check<Widen<Variant<"youtube">>>(youtube),
  settings: check<Widen<Settings>>(settings),
};
