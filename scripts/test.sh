#!/usr/bin/env bash
# The one test command (README): installs what it needs, then runs every stage and ends with "N passed, N failed".
# Stages add their counts to $COUNTS; a failing stage never hides the others.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
COUNTS="$(mktemp)"
trap 'rm -f "$COUNTS"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

record() { echo "$1 $2 $3" >> "$COUNTS"; }   # stage passed failed

stage_dotnet() {
  echo "== dotnet test"
  local trx_dir="$ROOT/TestResults"
  rm -rf "$trx_dir"
  dotnet test "$ROOT/CrisisBot.sln" -c Release --logger "trx;LogFileName=unit.trx" --results-directory "$trx_dir" 2>&1 | tail -n 40
  local trx
  trx="$(find "$trx_dir" -name '*.trx' | head -n 1)"
  if [[ -z "$trx" ]]; then record dotnet 0 1; return; fi
  local passed failed
  passed=$(grep -o 'passed="[0-9]*"' "$trx" | head -n1 | grep -o '[0-9]*')
  failed=$(grep -o 'failed="[0-9]*"' "$trx" | head -n1 | grep -o '[0-9]*')
  record dotnet "${passed:-0}" "${failed:-1}"
}

stage_dotnet

total_passed=0; total_failed=0
while read -r stage p f; do
  echo "stage $stage: $p passed, $f failed"
  total_passed=$((total_passed + p)); total_failed=$((total_failed + f))
done < "$COUNTS"
echo "$total_passed passed, $total_failed failed"
[[ "$total_failed" -eq 0 ]]
