#!/usr/bin/env bash
# Runs every test of the project, from a clean clone, on a Debian/Ubuntu machine.
# Installs what is missing, checks formatting, lints and the Tauri boundary, builds every
# binary, then runs the whole test suite inside private D-Bus, gnome-keyring and Xvfb services.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "setup"
scripts/setup.sh

step "UI: unit tests (money format), type check and build (ui/dist)"
npm test --prefix ui --silent

step "format"
cargo fmt --all -- --check

if [ -x scripts/check-tauri-boundary.sh ]; then
  step "tauri boundary: no crate but src-tauri depends on tauri"
  scripts/check-tauri-boundary.sh --self-test
  scripts/check-tauri-boundary.sh
fi

step "clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "build every binary (the integration tests spawn them)"
cargo build --workspace --bins --locked

step "tests (inside private D-Bus + gnome-keyring + Xvfb)"
# The security suite's tests record their rows here (printed as a table below).
rm -f artifacts/security/rows.tsv
scripts/with-session.sh cargo test --workspace --locked

step "security suite: attack, tries, applied, database growth, time"
scripts/security-table.sh

if [ -x scripts/smoke-window.sh ]; then
  step "the app's window starts under Xvfb"
  scripts/with-session.sh scripts/smoke-window.sh
fi

step "done"
