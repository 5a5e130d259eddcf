#!/usr/bin/env bash
# Regenerates the card gallery (docs/cards/<name>.png and docs/cards/README.md) from the typical samples.
# The samples are the golden files in Bot.Tests/Cards/Snapshots; the snapshot test runs first to prove they match
# the current card code (set SKIP_SNAPSHOT_CHECK=1 to skip it). Everything runs offline.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT/tools/card-validator"

if [[ ! -d node_modules/adaptivecards || ! -d node_modules/playwright-core ]]; then
  npm ci --omit=peer
fi
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ ! -x "$CHROMIUM" ]]; then
  echo "error: $CHROMIUM not found. Install it with:" >&2
  echo "  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium" >&2
  exit 2
fi

if [[ "${SKIP_SNAPSHOT_CHECK:-0}" != "1" ]]; then
  dotnet test "$ROOT/Bot.Tests/Bot.Tests.csproj" --nologo --filter "FullyQualifiedName~CardSnapshotTests" \
    || { echo "error: snapshots are out of date; run with UPDATE_SNAPSHOTS=1, review, then retry" >&2; exit 1; }
fi

node gallery.mjs "$ROOT/Bot.Tests/Cards/Snapshots" "$ROOT/docs/cards" --variant typical
