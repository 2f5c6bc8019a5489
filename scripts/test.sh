#!/usr/bin/env bash
# The whole test suite: formatting, lints, and every crate's tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The app end-to-end test drives the app through tauri-driver (a Rust tool from crates.io).
if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver" ]; then
  echo "setup: installing tauri-driver (cargo install, about a minute)" >&2
  cargo install tauri-driver --version '^2' --locked --quiet
fi
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# In CI nothing may skip: the app end-to-end test and the multicast discovery tests must run.
if [ "${CI:-}" = "true" ]; then
  export TANDEM_REQUIRE_E2E=1 TANDEM_DISCOVERY_REQUIRE_MULTICAST=1
fi
# shellcheck source=scripts/pulse-null-sink.sh
. scripts/pulse-null-sink.sh

echo "== UI: type check, unit tests, build" >&2
(cd ui && npm test --silent)
bash scripts/build-ui.sh
echo "== cargo fmt --check" >&2
cargo fmt --all -- --check
echo "== cargo clippy (warnings are errors)" >&2
cargo clippy --workspace --all-targets -- -D warnings
echo "== cargo test (under Xvfb with a D-Bus session, for the app's window)" >&2
export NO_AT_BRIDGE=1
if [ -z "${DISPLAY:-}" ] && command -v xvfb-run >/dev/null 2>&1; then
  xvfb-run -a -s "-screen 0 1280x860x24" dbus-run-session -- cargo test --workspace --all-targets
else
  dbus-run-session -- cargo test --workspace --all-targets
fi
cargo test --workspace --doc
