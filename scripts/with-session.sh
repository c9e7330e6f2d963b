#!/usr/bin/env bash
# Runs a command inside the desktop services the tests need, all private and temporary:
# a D-Bus session bus, an unlocked gnome-keyring serving the Secret Service on it, and an Xvfb
# display. HOME and XDG_* point into a temporary folder, so nothing touches the real user's
# keyring, config or data, and nothing outlives the command.
#   scripts/with-session.sh cargo test --workspace
set -euo pipefail

export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
T=$(mktemp -d /tmp/cashier-session.XXXXXX)
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/data" "$T/cache" "$T/config" "$T/run"
chmod 700 "$T/run"
export HOME="$T" XDG_DATA_HOME="$T/data" XDG_CACHE_HOME="$T/cache" XDG_CONFIG_HOME="$T/config" XDG_RUNTIME_DIR="$T/run"
export CASHIER_SESSION_TMP="$T"

inner() {
  # The keyring daemon reads its unlock password on stdin.
  printf 'test-password' | gnome-keyring-daemon --foreground --unlock --components=secrets >"$HOME/gnome-keyring.log" 2>&1 &
  local gkd=$!
  for _ in $(seq 1 100); do
    if dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; then
      break
    fi
    sleep 0.1
  done
  if ! dbus-send --session --print-reply --dest=org.freedesktop.DBus / org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; then
    echo "with-session: gnome-keyring did not start the Secret Service; log:" >&2
    cat "$HOME/gnome-keyring.log" >&2
    exit 1
  fi
  local rc=0
  xvfb-run -a -s "-screen 0 1280x800x24" "$@" || rc=$?
  kill "$gkd" 2>/dev/null || true
  return $rc
}
export -f inner
dbus-run-session -- bash -c 'inner "$@"' inner "$@"
