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
