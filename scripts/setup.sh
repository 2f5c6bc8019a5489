#!/usr/bin/env bash
# Installs what building and testing Tandem needs and is missing on this machine.
# Idempotent: safe to run on every start. Debian/Ubuntu via apt-get; elsewhere it says what to do.
set -euo pipefail

# Debian packages: building (C compiler, ALSA headers for the audio output) and testing (a
# PulseAudio null sink for the real-device audio test, ffmpeg as the reference decoder, and the
# sound files alsa-utils and the freedesktop theme ship, which the decoder must read too).
packages=(build-essential pkg-config libasound2-dev pulseaudio pulseaudio-utils libasound2-plugins ffmpeg
  alsa-utils sound-theme-freedesktop)
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
