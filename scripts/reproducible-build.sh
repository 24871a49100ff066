#!/usr/bin/env bash
# Build the release twice from the same inputs into two fresh folders and compare SHA256SUMS.
# Prints the version on success; exits non-zero when the two builds differ.
# Usage: scripts/reproducible-build.sh [RAW_DIR] [OUT_DIR]   (defaults: raw, out)
# SOURCE_DATE_EPOCH sets the dataset date of the version; without it, the last commit's time.
set -euo pipefail
cd "$(dirname "$0")/.."
raw="${1:-raw}"
out="${2:-out}"
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
  SOURCE_DATE_EPOCH="$(git log -1 --format=%ct 2>/dev/null || date +%s)"
fi
export SOURCE_DATE_EPOCH
check="$(mktemp -d)"
trap 'rm -rf "$check"' EXIT
node dist/pipeline/cli.js build --raw "$raw" --out "$check/a" --quiet >/dev/null
node dist/pipeline/cli.js build --raw "$raw" --out "$check/b" --quiet >/dev/null
if ! cmp -s "$check/a/latest/SHA256SUMS" "$check/b/latest/SHA256SUMS"; then
  echo "two builds of the same inputs differ:" >&2
  diff "$check/a/latest/SHA256SUMS" "$check/b/latest/SHA256SUMS" >&2 || true
  exit 1
fi
node dist/pipeline/cli.js build --raw "$raw" --out "$out" --quiet >/dev/null
node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).version)' "$out/latest/datapackage.json"
