#!/usr/bin/env bash
# Installs what is missing and starts the desktop app.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec cargo run --release -p cashier-app "$@"
