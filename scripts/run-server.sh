#!/usr/bin/env bash
# Installs what is missing, builds, and starts Tandem's headless room server (for rooms on the
# internet): SQLite in your data directory, ws://127.0.0.1:7878/ws (loopback only).
# Extra arguments go to tandem-server (try --help, --expose, --port, --store).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "run: building tandem-server (the first build takes a few minutes)..." >&2
cargo build --release -p room-server --bin tandem-server
exec target/release/tandem-server "$@"
