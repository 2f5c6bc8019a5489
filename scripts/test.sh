#!/usr/bin/env bash
# The whole test suite: formatting, lints, and every crate's tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# shellcheck source=scripts/pulse-null-sink.sh
. scripts/pulse-null-sink.sh
echo "== cargo fmt --check" >&2
cargo fmt --all -- --check
echo "== cargo clippy (warnings are errors)" >&2
cargo clippy --workspace --all-targets -- -D warnings
echo "== cargo test" >&2
cargo test --workspace --all-targets
cargo test --workspace --doc
