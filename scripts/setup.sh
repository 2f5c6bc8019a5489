#!/usr/bin/env bash
# Installs what building and testing Tandem needs and is missing on this machine.
# Idempotent: safe to run on every start. Debian/Ubuntu via apt-get; elsewhere it says what to do.
set -euo pipefail

# Debian packages:
# - building: C compiler, ALSA headers (audio output), the WebKitGTK/GTK stack Tauri 2 needs;
# - running the app: GStreamer's plugins, without which WebKitGTK cannot play YouTube;
# - testing: a PulseAudio null sink (real-device audio test), ffmpeg (reference decoder, test
#   songs), the sound files alsa-utils and the freedesktop theme ship (the decoder reads them
#   too), Xvfb + WebKitWebDriver + a D-Bus session (the app driven end to end), unshare and ip
#   (LAN discovery tested in a private network namespace).
packages=(build-essential pkg-config libasound2-dev pulseaudio pulseaudio-utils libasound2-plugins ffmpeg
  alsa-utils sound-theme-freedesktop
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libsoup-3.0-dev libxdo-dev
  libssl-dev file
  gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-libav
  xvfb xauth webkit2gtk-driver dbus dbus-x11 util-linux iproute2)
need_apt=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$p")
  done
else
  command -v cc >/dev/null 2>&1 || need_apt+=(build-essential)
  command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
fi

if ((${#need_apt[@]})); then
  if command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${need_apt[*]} with apt-get" >&2
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "setup: please install: ${need_apt[*]} (or your system's equivalents)" >&2
    exit 1
  fi
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: Rust is missing; install it from https://rustup.rs and run this again" >&2
  exit 1
fi
if command -v rustup >/dev/null 2>&1; then
  for component in rustfmt clippy; do
    rustup component list --installed 2>/dev/null | grep -q "^$component" || rustup component add "$component"
  done
fi

# The UI is TypeScript built with npm (Node 20 or newer).
if ! command -v npm >/dev/null 2>&1; then
  echo "setup: Node.js with npm is missing; install Node 20+ (https://nodejs.org) and run this again" >&2
  exit 1
fi
ui_dir="$(cd "$(dirname "$0")/.." && pwd)/ui"
# (Re)install the UI's packages when they are missing or the lock file changed.
stamp="$ui_dir/node_modules/.tandem-lock"
if [ ! -f "$stamp" ] || ! cmp -s "$ui_dir/package-lock.json" "$stamp"; then
  echo "setup: installing the UI's npm packages" >&2
  (cd "$ui_dir" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$ui_dir/package-lock.json" "$stamp"
fi
