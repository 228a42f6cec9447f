#!/usr/bin/env bash
# The pool's tests on Node 24, the current LTS, besides the machine's Node 20: the pool suite
# (unit and end to end, which also spawns the built pool/dist/main.js) and the production bundle
# test. Node 24 comes from the npm registry (package node-linux-<arch>: the official binary),
# unpacked once into a cache folder outside the repository and reused.
#
#   .ci/node24.sh <json-report-path>
#   NODE24_VERSION=24.x.y   another release of the 24 line
set -euo pipefail
cd "$(dirname "$0")/.."

report="${1:?usage: .ci/node24.sh <json-report-path>}"
version="${NODE24_VERSION:-24.21.0}"
case "$(uname -m)" in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "node24: no node-linux package for $(uname -m)" >&2; exit 1 ;;
esac
cache="${OPENGEMINI_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/opengemini}"
home="$cache/node-v$version-linux-$arch"

if [ ! -x "$home/bin/node" ]; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  echo "node24: fetching node-linux-$arch@$version from the npm registry"
  (cd "$tmp" && npm pack --silent "node-linux-$arch@$version" > /dev/null)
  tar -xzf "$tmp"/node-linux-"$arch"-*.tgz -C "$tmp"
  mkdir -p "$cache"
  rm -rf "$home"
  mv "$tmp/package" "$home"
fi

echo "node24: $("$home/bin/node" --version)"
# Node 24 first on PATH, so anything the tests spawn as `node` is Node 24 too (they mostly use
# process.execPath, which already is). The JSON report goes where the caller says, not over the
# main run's report.
PATH="$home/bin:$PATH" "$home/bin/node" node_modules/vitest/vitest.mjs run pool/ tools/test/prod-bundle \
  --outputFile.json="$report"
