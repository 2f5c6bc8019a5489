import { describe, expect, it } from "vitest";
import type { DeviceChoice, SpotifyDevice } from "../ipc/types";
import { AUTO_LABEL, choiceToValue, deviceOptions, valueToChoice } from "./device";

const devices: SpotifyDevice[] = [
  { id: "d1", name: "Ada's laptop", kind: "Computer", isActive: true, usable: true },
  { id: "d2", name: "Kitchen", kind: "Speaker", isActive: false, usable: true },
  { id: "d3", name: "Car", kind: "Automobile", isActive: false, usable: false },
];
const auto: DeviceChoice = { kind: "auto" };

describe("device choice <-> select value", () => {
  it("maps Automatic to the empty value and back", () => {
    expect(choiceToValue(auto)).toBe("");
    expect(valueToChoice("", devices, { kind: "id", id: "d2", name: "Kitchen" })).toEqual(auto);
  });

  it("maps a device to its id and back, with the device's name", () => {
    expect(choiceToValue({ kind: "id", id: "d2", name: "Kitchen" })).toBe("d2");
    expect(valueToChoice("d2", devices, auto)).toEqual({ kind: "id", id: "d2", name: "Kitchen" });
  });

  it("round-trips every option", () => {
    for (const o of deviceOptions(devices, auto)) expect(choiceToValue(valueToChoice(o.value, devices, auto))).toBe(o.value);
  });

  it("keeps the current choice's name for a device missing from the list", () => {
    const gone: DeviceChoice = { kind: "id", id: "d9", name: "Old phone" };
    expect(valueToChoice("d9", devices, gone)).toEqual(gone);
    expect(valueToChoice("d9", null, gone)).toEqual(gone);
  });
});

describe("deviceOptions", () => {
  it("lists Automatic first, then the devices, unusable ones disabled", () => {
    expect(deviceOptions(devices, auto)).toEqual([
      { value: "", label: AUTO_LABEL, disabled: false },
      { value: "d1", label: "Ada's laptop (Computer, active)", disabled: false },
      { value: "d2", label: "Kitchen (Speaker)", disabled: false },
      { value: "d3", label: "Car (Automobile, cannot be controlled)", disabled: true },
    ]);
  });

  it("keeps a chosen device that is offline, or not loaded yet, selectable", () => {
    const gone: DeviceChoice = { kind: "id", id: "d9", name: "Old phone" };
    expect(deviceOptions(devices, gone).at(-1)).toEqual({ value: "d9", label: "Old phone (not available now)", disabled: false });
    expect(deviceOptions(null, gone)).toEqual([
      { value: "", label: AUTO_LABEL, disabled: false },
      { value: "d9", label: "Old phone", disabled: false },
    ]);
    expect(deviceOptions([], auto)).toHaveLength(1);
  });
});
