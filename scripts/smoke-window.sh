#!/usr/bin/env bash
# Smoke test: the real Tauri window starts and shows the page.
#
# Builds nothing: expects an already built binary (default target/debug/cashier-app,
# override with CASHIER_APP_BIN). Runs it headless under a private D-Bus session and Xvfb
# with a throwaway HOME/XDG dirs, waits (bounded) for a visible window named "Cashier",
# screenshots it to artifacts/smoke-window.png and checks the screenshot is not blank, and that
# its web process paints without OpenGL compositing.
#
# Exit status: 0 only if every check held.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APP="${CASHIER_APP_BIN:-$ROOT/target/debug/cashier-app}"
TIMEOUT="${SMOKE_TIMEOUT:-60}"
SHOT="$ROOT/artifacts/smoke-window.png"

if [ "${1:-}" != "--inside" ]; then
    for tool in dbus-run-session xvfb-run xdotool import convert timeout; do
        command -v "$tool" >/dev/null || { echo "smoke-window: FAIL: missing tool '$tool'"; exit 2; }
    done
    [ -x "$APP" ] || {
        echo "smoke-window: FAIL: $APP not found; build it first: cargo build -p cashier-app --bins"
        exit 2
    }
    mkdir -p "$ROOT/artifacts"
    rm -f "$SHOT"
    # Already inside scripts/with-session.sh (D-Bus, unlocked keyring, Xvfb): run right here,
    # so the app (demo mode, which needs the keyring) finds the keyring.
    if [ -n "${CASHIER_SESSION_TMP:-}" ] && [ -n "${DISPLAY:-}" ]; then
        export CASHIER_DATA_DIR="$CASHIER_SESSION_TMP/smoke-data" SMOKE_LOG="$CASHIER_SESSION_TMP/smoke-app.log"
        exec "$0" --inside
    fi
    T="$(mktemp -d)"
    trap 'rm -rf "$T"' EXIT
    mkdir -p "$T/data" "$T/cache" "$T/config"
    mkdir -m700 "$T/run"
    # Hard outer bound so a wedged Xvfb/dbus can never hang CI.
    HOME="$T" XDG_DATA_HOME="$T/data" XDG_CACHE_HOME="$T/cache" XDG_CONFIG_HOME="$T/config" \
        XDG_RUNTIME_DIR="$T/run" SMOKE_LOG="$T/app.log" \
        timeout --kill-after=10 $((TIMEOUT + 60)) \
        dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" "$0" --inside
    exit $?
fi

# ---- inside the private D-Bus session and X display ----
fail() {
    echo "smoke-window: FAIL: $*"
    if [ -s "$SMOKE_LOG" ]; then
        echo "smoke-window: app output (last 20 lines):"
        tail -n 20 "$SMOKE_LOG" | sed 's/^/  | /'
    fi
    exit 1
}

echo "smoke-window: starting $APP on DISPLAY=$DISPLAY"
"$APP" >"$SMOKE_LOG" 2>&1 &
APP_PID=$!
cleanup() {
    if kill -0 "$APP_PID" 2>/dev/null; then
        kill "$APP_PID" 2>/dev/null || true
        for _ in 1 2 3 4 5 6 7 8 9 10; do
            kill -0 "$APP_PID" 2>/dev/null || break
            sleep 0.5
        done
        kill -9 "$APP_PID" 2>/dev/null || true
    fi
    wait "$APP_PID" 2>/dev/null || true
}
trap cleanup EXIT

WID="$(timeout "$TIMEOUT" xdotool search --sync --onlyvisible --name '^Cashier$' | head -n 1 || true)"
[ -n "$WID" ] || fail "no visible window named 'Cashier' within ${TIMEOUT}s"
kill -0 "$APP_PID" 2>/dev/null || fail "app exited right after showing its window"
echo "smoke-window: ok: visible window 'Cashier' (id $WID)"

GEOM="$(xdotool getwindowgeometry "$WID" | sed -n 's/.*Geometry: //p')"
echo "smoke-window: ok: window geometry $GEOM"

# The page renders asynchronously in the WebKit process: retry the screenshot until it
# shows more than one colour, bounded by TIMEOUT.
deadline=$((SECONDS + TIMEOUT))
while :; do
    import -window "$WID" "$SHOT" 2>/dev/null || true
    if [ -s "$SHOT" ]; then
        COLOURS="$(convert "$SHOT" -format '%k' info: 2>/dev/null || echo 0)"
        STDDEV="$(convert "$SHOT" -format '%[fx:standard_deviation]' info: 2>/dev/null || echo 0)"
        if [ "${COLOURS:-0}" -gt 1 ] && python3 -c "import sys; sys.exit(0 if float('$STDDEV') > 0.01 else 1)"; then
            break
        fi
    fi
    [ "$SECONDS" -lt "$deadline" ] || fail "screenshot stayed blank for ${TIMEOUT}s (colours=${COLOURS:-?}, stddev=${STDDEV:-?})"
    sleep 1
done
echo "smoke-window: ok: screenshot $SHOT is not blank (unique colours=$COLOURS, stddev=$STDDEV)"

kill -0 "$APP_PID" 2>/dev/null || fail "app died while being screenshotted"

# The app paints its pages without WebKit's accelerated compositing (src-tauri/src/main.rs,
# `software_rendering`): its web process inherits the setting (about 80 MiB less than with
# compositing in software OpenGL). Checked on the running processes.
WEB_PID=""
for p in $(pgrep -P "$APP_PID" || true); do
    [ "$(cat /proc/$p/comm 2>/dev/null)" = "WebKitWebProces" ] && WEB_PID="$p"
done
[ -n "$WEB_PID" ] || fail "no WebKitWebProcess under the app (pid $APP_PID)"
tr '\0' '\n' <"/proc/$WEB_PID/environ" | grep -qx 'WEBKIT_DISABLE_COMPOSITING_MODE=1' \
    || fail "the web process (pid $WEB_PID) runs with accelerated compositing"
echo "smoke-window: ok: the web process (pid $WEB_PID) runs without accelerated compositing"
cleanup
trap - EXIT
echo "smoke-window: ok: app stopped"
echo "smoke-window: PASS"
