#!/usr/bin/env bash
# Installs what is missing, builds, and starts the Tandem desktop app: host a room (its room
# server runs inside the app, with SQLite in your data folder) or join one.
# Extra arguments go to the app (a tandem:// join link, for instance).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-ui.sh
echo "run: building the app (the first build takes several minutes)..." >&2
cargo build --release -p tandem-desktop --bin tandem
exec target/release/tandem "$@"
