#!/usr/bin/env bash
# Installs what this project needs on a Debian/Ubuntu machine, skipping what is already there:
# system packages (WebKitGTK for the Tauri window, Xvfb, D-Bus, gnome-keyring for the Secret
# Service, tools for screenshots and QR decoding) and the npm packages of the JS cross-checks.
# Idempotent; safe to run before every build. Needs root or sudo for apt.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential pkg-config libssl-dev file curl ca-certificates
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libxdo-dev
  webkit2gtk-driver xvfb xauth dbus dbus-x11 xdotool imagemagick fonts-dejavu-core
  gnome-keyring libsecret-tools zbar-tools
  nodejs npm
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
# Node.js may come from elsewhere (nvm, NodeSource): accept any node >= 18 with npm.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<<"${missing[*]}"

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: system packages present"
fi

if ! command -v cargo >/dev/null; then
  echo "setup: cargo not found; install Rust with rustup (https://rustup.rs) and run again" >&2
  exit 1
fi

# The official JS SDK for the cross-checks, at the version pinned in tests/js/package-lock.json.
if [ ! -d tests/js/node_modules/ecommpay ]; then
  echo "setup: npm ci in tests/js"
  npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
fi

# The desktop app's UI (Vite + TypeScript + Preact, pinned in ui/package-lock.json), built into
# ui/dist before any cargo build: the app embeds it at compile time (tauri.conf.json's
# frontendDist), so cargo build/clippy/test need it to exist.
if [ ! -d ui/node_modules/vite ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  echo "setup: npm ci in ui"
  npm ci --prefix ui --no-audit --no-fund --loglevel=error
fi
echo "setup: building the UI (ui/dist)"
npm run --prefix ui --silent build >/dev/null

# tauri-driver: the WebDriver bridge the app's end-to-end tests drive the window through
# (pinned to ^2: the registry's newest are 3.0 alphas). About 2 minutes to build, once.
if ! command -v tauri-driver >/dev/null && [ ! -x "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver" ]; then
  echo "setup: cargo install tauri-driver"
  cargo install tauri-driver --locked --version ^2
fi
