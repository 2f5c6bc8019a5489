#!/usr/bin/env bash
# Builds the UI into ui/dist, which the app embeds at compile time (run it before cargo builds
# src-tauri; setup.sh installs the npm packages).
set -euo pipefail
cd "$(dirname "$0")/../ui"
echo "ui: building (tsc + vite) into ui/dist" >&2
npm run --silent build
