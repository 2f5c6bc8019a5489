import { describe, expect, it } from "vitest";
import type { SyncView } from "../ipc/types";
import { correctionText, syncDetails, syncLabel, syncTone } from "./badge";

const sync: SyncView = {
  state: "in-sync",
  offsetUs: -1_520,
  uncertaintyUs: 400,
  rttUs: 2_300,
  errorUs: 120,
  correction: "none",
  label: "in sync ±0.4 ms",
};

describe("sync badge", () => {
  it("colours by state", () => {
    expect(syncTone("in-sync")).toBe("good");
    expect(syncTone("measuring")).toBe("neutral");
    expect(syncTone("correcting")).toBe("warn");
    expect(syncTone("offline")).toBe("bad");
  });
  it("uses Rust's label, with a fallback when empty", () => {
    expect(syncLabel(sync)).toBe("in sync ±0.4 ms");
    expect(syncLabel({ state: "measuring", label: "  " })).toBe("measuring…");
  });
  it("says what the correction is doing", () => {
    expect(correctionText("none")).toMatch(/none/);
    expect(correctionText("trim")).toBe("nudging the speed");
    expect(correctionText("jump")).toBe("jumped to the right place");
  });
  it("lists the details with units and dashes for unknowns", () => {
    const rows = syncDetails(sync);
    expect(rows.map((r) => r.value)).toEqual(["-1.5 ms", "±0.40 ms", "2.3 ms", "+0.12 ms", "none: playing in step"]);
    const unknown = syncDetails({ ...sync, offsetUs: null, uncertaintyUs: null, rttUs: null, errorUs: null, correction: "jump" });
    expect(unknown.map((r) => r.value)).toEqual(["–", "–", "–", "–", "jumped to the right place"]);
  });
});
