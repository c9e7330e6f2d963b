#!/usr/bin/env bash
# Invariant: no workspace crate except the app shell (`cashier-app`, src-tauri/) depends on
# Tauri, directly or transitively (normal, dev and build dependencies). The allow-list also holds
# `minimal-tauri` (benches/minimal-tauri): the bare Tauri window scripts/bench-app.sh compares
# the app with, which is nothing but a Tauri window.
#
# Usage:
#   scripts/check-tauri-boundary.sh                  # check the workspace (runs `cargo metadata`)
#   scripts/check-tauri-boundary.sh --metadata FILE  # check a saved `cargo metadata` JSON
#   scripts/check-tauri-boundary.sh --self-test      # prove the check fails/passes on synthetic data
#
# Exit status: 0 when the boundary holds, 1 when some crate crosses it, 2 on usage/tool errors.
set -euo pipefail

# Space-separated package names.
ALLOWED_MEMBERS="cashier-app minimal-tauri"
SCRIPT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

check() {
    # $1: path to cargo metadata JSON
    python3 - "$1" "$ALLOWED_MEMBERS" <<'PY'
import json
import sys

path, allowed = sys.argv[1], sys.argv[2].split()
allowed_names = ", ".join(allowed)
with open(path, encoding="utf-8") as f:
    meta = json.load(f)

if meta.get("resolve") is None:
    print("tauri-boundary: ERROR: metadata has no 'resolve' section (was --no-deps used?)")
    sys.exit(2)


def is_tauri(name):
    return name in ("tauri", "tauri-build", "wry", "tao") or name.startswith("tauri-runtime")


packages = {p["id"]: p for p in meta["packages"]}
nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
members = meta["workspace_members"]


def edges(node_id, include_dev):
    """Dependencies of a node. Dev-dependencies count only for the member being checked:
    a dependency's dev-dependencies are never built for its dependents."""
    for dep in nodes.get(node_id, {}).get("deps", []):
        kinds = {k.get("kind") for k in dep.get("dep_kinds", [])} or {None}
        if include_dev or kinds & {None, "build"}:
            yield dep["pkg"]


def tauri_path(member_id):
    """Shortest dependency chain from member to a Tauri package, or None."""
    parent = {member_id: None}
    queue = [member_id]
    while queue:
        current = queue.pop(0)
        if current != member_id and is_tauri(packages[current]["name"]):
            chain = []
            while current is not None:
                chain.append(packages[current]["name"])
                current = parent[current]
            return list(reversed(chain))
        for dep in edges(current, include_dev=(current == member_id)):
            if dep not in parent:
                parent[dep] = current
                queue.append(dep)
    return None


offenders = []
checked = 0
for member_id in members:
    name = packages[member_id]["name"]
    if name in allowed:
        continue
    checked += 1
    chain = tauri_path(member_id)
    if chain:
        offenders.append((name, chain))

for name, chain in offenders:
    print(f"tauri-boundary: {name} depends on Tauri: {' -> '.join(chain)}")
if offenders:
    names = ", ".join(n for n, _ in offenders)
    print(f"tauri-boundary: FAIL: {len(offenders)} of {checked} crates besides {allowed_names} "
          f"depend on tauri/tauri-build/tauri-runtime*/wry/tao: {names}")
    sys.exit(1)
print(f"tauri-boundary: OK: none of {checked} workspace crates besides {allowed_names} "
      f"depends on tauri/tauri-build/tauri-runtime*/wry/tao")
PY
}

self_test() {
    local tmp
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' RETURN
    # Synthetic workspace: cashier-app -> tauri (allowed); core -> helper -> tauri (bad);
    # tools has wry only as a dev-dependency (bad); cli -> core (bad, through core);
    # lib-ok -> helper-dev-only, whose *dev*-dependency on tao must not count (good).
    python3 - "$tmp" <<'PY'
import json
import sys

tmp = sys.argv[1]


def pid(name):
    return f"path+file:///ws/{name}#0.1.0"


def pkg(name):
    return {"id": pid(name), "name": name, "version": "0.1.0"}


def dep(name, kind=None):
    return {"name": name.replace("-", "_"), "pkg": pid(name),
            "dep_kinds": [{"kind": kind, "target": None}]}


def meta(members, graph):
    names = set(graph) | {d[0] for ds in graph.values() for d in ds}
    return {
        "packages": [pkg(n) for n in sorted(names)],
        "workspace_members": [pid(m) for m in members],
        "resolve": {
            "root": None,
            "nodes": [{"id": pid(n), "deps": [dep(*d) for d in graph.get(n, [])],
                       "dependencies": [pid(d[0]) for d in graph.get(n, [])]}
                      for n in sorted(names)],
        },
    }


bad = meta(
    ["cashier-app", "core", "tools", "cli", "lib-ok"],
    {
        "cashier-app": [("tauri",), ("tauri-build", "build"), ("core",)],
        "tauri": [("tauri-runtime-wry",), ("tao",)],
        "tauri-runtime-wry": [("wry",)],
        "core": [("helper",)],
        "helper": [("tauri",)],
        "tools": [("wry", "dev")],
        "cli": [("core",)],
        "lib-ok": [("helper-dev-only",)],
        "helper-dev-only": [("tao", "dev")],
    },
)
good = meta(
    ["cashier-app", "core", "lib-ok"],
    {
        "cashier-app": [("tauri",), ("tauri-build", "build"), ("core",)],
        "tauri": [("tao",)],
        "core": [("serde",)],
        "lib-ok": [("helper-dev-only",)],
        "helper-dev-only": [("tao", "dev")],
    },
)
json.dump(bad, open(f"{tmp}/bad.json", "w"))
json.dump(good, open(f"{tmp}/good.json", "w"))
PY
    local out rc failed=0
    set +e
    out="$("$SCRIPT" --metadata "$tmp/bad.json")"; rc=$?
    set -e
    printf '%s\n' "$out" | sed 's/^/  [bad] /'
    if [ "$rc" -ne 1 ]; then echo "self-test: expected exit 1 on bad metadata, got $rc"; failed=1; fi
    for name in core tools cli; do
        grep -q "^tauri-boundary: $name depends on Tauri" <<<"$out" \
            || { echo "self-test: offender '$name' not reported"; failed=1; }
    done
    for name in cashier-app lib-ok; do
        if grep -q "^tauri-boundary: $name depends" <<<"$out"; then
            echo "self-test: '$name' wrongly reported"; failed=1
        fi
    done
    set +e
    out="$("$SCRIPT" --metadata "$tmp/good.json")"; rc=$?
    set -e
    printf '%s\n' "$out" | sed 's/^/  [good] /'
    if [ "$rc" -ne 0 ]; then echo "self-test: expected exit 0 on good metadata, got $rc"; failed=1; fi
    if [ "$failed" -ne 0 ]; then
        echo "tauri-boundary self-test: FAIL"
        return 1
    fi
    echo "tauri-boundary self-test: OK (bad synthetic workspace rejected, good one accepted)"
}

case "${1:-}" in
    --self-test)
        self_test
        ;;
    --metadata)
        [ $# -eq 2 ] || { echo "usage: $0 --metadata FILE" >&2; exit 2; }
        check "$2"
        ;;
    "")
        tmp="$(mktemp)"
        trap 'rm -f "$tmp"' EXIT
        (cd "$ROOT" && cargo metadata --format-version 1 >"$tmp")
        check "$tmp"
        ;;
    *)
        echo "usage: $0 [--self-test | --metadata FILE]" >&2
        exit 2
        ;;
esac
