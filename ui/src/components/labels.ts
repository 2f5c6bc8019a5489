import type { ControlPolicy, Role, Theme } from "../ipc/types";

export const POLICY_OPTIONS: ReadonlyArray<{ value: ControlPolicy; label: string }> = [
  { value: "host-only", label: "Host only" },
  { value: "host-and-djs", label: "Host and DJs" },
  { value: "everyone", label: "Everyone" },
];

export const ROLE_LABEL: Record<Role, string> = { host: "Host", dj: "DJ", listener: "Listener" };

export const THEME_OPTIONS: ReadonlyArray<{ value: Theme; label: string }> = [
  { value: "system", label: "Follow the system" },
  { value: "light", label: "Light" },
  { value: "dark", label: "Dark" },
];

export const SOURCE_LABEL = { youtube: "YouTube", spotify: "Spotify", local: "File" } as const;
