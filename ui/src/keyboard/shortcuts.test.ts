import { describe, expect, it } from "vitest";
import { isTypingTarget, seekBy, shortcutFor, spaceActivates } from "./shortcuts";

const k = (key: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...mods,
});

describe("shortcutFor", () => {
  it("maps the plain keys when not typing", () => {
    expect(shortcutFor(k(" "), false)).toBe("toggle-play");
    expect(shortcutFor(k("ArrowLeft"), false)).toBe("seek-back");
    expect(shortcutFor(k("ArrowRight"), false)).toBe("seek-forward");
    expect(shortcutFor(k("n"), false)).toBe("next");
    expect(shortcutFor(k("N"), false)).toBe("next");
    expect(shortcutFor(k("?"), false)).toBe("toggle-help");
    expect(shortcutFor(k("x"), false)).toBeNull();
  });
  it("leaves typing alone", () => {
    for (const key of [" ", "ArrowLeft", "ArrowRight", "n", "?"]) expect(shortcutFor(k(key), true)).toBeNull();
  });
  it("keeps the modifier shortcuts and Escape working while typing", () => {
    expect(shortcutFor(k("l", { ctrlKey: true }), true)).toBe("focus-add-link");
    expect(shortcutFor(k("l", { metaKey: true }), false)).toBe("focus-add-link");
    expect(shortcutFor(k(",", { ctrlKey: true }), true)).toBe("open-settings");
    expect(shortcutFor(k(",", { metaKey: true }), false)).toBe("open-settings");
    expect(shortcutFor(k("Escape"), true)).toBe("close-dialog");
  });
  it("ignores plain keys with modifiers (Alt+arrows move queue items)", () => {
    expect(shortcutFor(k("ArrowLeft", { altKey: true }), false)).toBeNull();
    expect(shortcutFor(k("n", { ctrlKey: true }), false)).toBeNull();
  });
});

describe("isTypingTarget", () => {
  it("knows text fields from buttons", () => {
    const text = document.createElement("input");
    const box = document.createElement("input");
    box.type = "checkbox";
    expect(isTypingTarget(text)).toBe(true);
    expect(isTypingTarget(box)).toBe(false);
    expect(isTypingTarget(document.createElement("textarea"))).toBe(true);
    expect(isTypingTarget(document.createElement("select"))).toBe(true);
    expect(isTypingTarget(document.createElement("button"))).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});

describe("seekBy", () => {
  it("stays within the song", () => {
    expect(seekBy(5_000_000, -10_000_000, 100_000_000)).toBe(0);
    expect(seekBy(95_000_000, 10_000_000, 100_000_000)).toBe(100_000_000);
    expect(seekBy(50_000_000, 10_000_000, null)).toBe(60_000_000);
  });
});

describe("spaceActivates", () => {
  it("leaves Space to buttons, links and checkboxes", () => {
    expect(spaceActivates(document.createElement("button"))).toBe(true);
    expect(spaceActivates(document.createElement("summary"))).toBe(true);
    const box = document.createElement("input");
    box.type = "checkbox";
    expect(spaceActivates(box)).toBe(true);
    const fake = document.createElement("div");
    fake.setAttribute("role", "button");
    expect(spaceActivates(fake)).toBe(true);
  });
  it("takes Space elsewhere (the page, a queue item, the seek bar)", () => {
    expect(spaceActivates(document.body)).toBe(false);
    expect(spaceActivates(document.createElement("li"))).toBe(false);
    const slider = document.createElement("div");
    slider.setAttribute("role", "slider");
    expect(spaceActivates(slider)).toBe(false);
    expect(spaceActivates(null)).toBe(false);
  });
});
