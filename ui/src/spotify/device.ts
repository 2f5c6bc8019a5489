// The Spotify device picker: a <select> value for each `DeviceChoice` and back. "" is Automatic
// (whichever device is active in Spotify); any other value is a device id.

import type { DeviceChoice, SpotifyDevice } from "../ipc/types";

export const AUTO_LABEL = "Automatic (the active device)";

export interface DeviceOption {
  value: string;
  label: string;
  disabled: boolean;
}

export function choiceToValue(choice: DeviceChoice): string {
  return choice.kind === "id" ? choice.id : "";
}

/** The choice a select value stands for; the name comes from the device list, else from the current choice. */
export function valueToChoice(value: string, devices: readonly SpotifyDevice[] | null, current: DeviceChoice): DeviceChoice {
  if (value === "") return { kind: "auto" };
  const d = devices?.find((x) => x.id === value);
  if (d) return { kind: "id", id: d.id, name: d.name };
  if (current.kind === "id" && current.id === value) return current;
  return { kind: "id", id: value, name: value };
}

export function deviceLabel(d: SpotifyDevice): string {
  const notes = [d.kind.trim(), d.isActive ? "active" : "", d.usable ? "" : "cannot be controlled"].filter((x) => x !== "");
  return notes.length > 0 ? `${d.name} (${notes.join(", ")})` : d.name;
}

/**
 * The select's options: Automatic, then the devices (unusable ones disabled), then the chosen
 * device when the list does not have it (offline, or the list is not loaded yet).
 */
export function deviceOptions(devices: readonly SpotifyDevice[] | null, choice: DeviceChoice): DeviceOption[] {
  const options: DeviceOption[] = [{ value: "", label: AUTO_LABEL, disabled: false }];
  for (const d of devices ?? []) options.push({ value: d.id, label: deviceLabel(d), disabled: !d.usable });
  if (choice.kind === "id" && !(devices ?? []).some((d) => d.id === choice.id)) {
    options.push({ value: choice.id, label: devices == null ? choice.name : `${choice.name} (not available now)`, disabled: false });
  }
  return options;
}
