#!/usr/bin/env bash
# The one test command (README): installs what it needs, then runs every stage and ends with "N passed, N failed".
# Stages add their counts to $COUNTS; a failing stage never hides the others.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
COUNTS="$(mktemp)"
# shellcheck source=scripts/postgres.sh
source "$ROOT/scripts/postgres.sh"
trap 'postgres_teardown; rm -f "$COUNTS"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

record() { echo "$1 $2 $3" >> "$COUNTS"; }   # stage passed failed

# Prerequisites for a fresh machine (CI runs as root, CI=true, no stdin). Everything is installed here, before the
# e2e stage enters its network namespace (playground.md §1.1 rule 3).
install_chromium() {
  [[ -x /usr/bin/chromium ]] && return 0
  echo "== installing Debian chromium (for the e2e UI smoke test)"
  local sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo=(sudo -n); else
      echo "warning: /usr/bin/chromium is missing and installing it needs root (apt-get install -y chromium)"; return 1
    fi
  fi
  "${sudo[@]}" apt-get update -q < /dev/null \
    && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 chromium < /dev/null
}

# npm ci from the committed lock file, only where a lock file exists (folders land with their branches). Locally an
# install newer than the lock file is kept; in CI it is always reinstalled.
npm_ci() {
  local dir="$1"; shift
  [[ -f "$ROOT/$dir/package-lock.json" ]] || return 0
  if [[ "${CI:-}" != "true" && -f "$ROOT/$dir/node_modules/.package-lock.json" \
        && "$ROOT/$dir/node_modules/.package-lock.json" -nt "$ROOT/$dir/package-lock.json" ]]; then
    return 0
  fi
  echo "== npm ci ${*:+$* }in $dir"
  (cd "$ROOT/$dir" && npm ci --no-audit --no-fund "$@" < /dev/null) || { echo "npm ci in $dir failed"; return 1; }
}

# The benchmark smoke stage's load generator (Debian wrk).
install_wrk() {
  command -v wrk >/dev/null && return 0
  echo "== installing Debian wrk (load generator of the benchmark smoke stage)"
  local sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo=(sudo -n); else
      echo "warning: wrk is missing and installing it needs root (apt-get install -y wrk)"; return 1
    fi
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 wrk < /dev/null \
    || { "${sudo[@]}" apt-get update -q < /dev/null \
         && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 wrk < /dev/null; }
}

# The leadership summary's PNG chart (ScottPlot on SkiaSharp's self-contained Linux build) reads fonts from
# /usr/share/fonts: Debian fonts-dejavu-core.
install_chart_fonts() {
  [[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]] && return 0
  echo "== installing Debian fonts-dejavu-core (text of the summary chart PNG)"
  local sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo=(sudo -n); else
      echo "warning: fonts-dejavu-core is missing and installing it needs root (apt-get install -y fonts-dejavu-core)"; return 1
    fi
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 fonts-dejavu-core < /dev/null \
    || { "${sudo[@]}" apt-get update -q < /dev/null \
         && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 fonts-dejavu-core < /dev/null; }
}

install_prerequisites() {
  local ok=0
  install_chromium || ok=1
  install_chart_fonts || ok=1
  install_wrk || ok=1
  npm_ci tools/card-validator --omit=peer || ok=1
  npm_ci tools/manifest-validator || ok=1
  npm_ci e2e || ok=1
  npm_ci bench/peers/botbuilder-js || ok=1
  return $ok
}

stage_dotnet() {
  echo "== dotnet test"
  local trx_dir="$ROOT/TestResults"
  rm -rf "$trx_dir"
  # Build the whole solution first: `dotnet test` on a solution builds only the test projects and what they reference,
  # and the benchmark smoke stage below runs the bench projects from this Release build.
  dotnet build "$ROOT/CrisisBot.sln" -c Release --nologo -v quiet -clp:ErrorsOnly 2>&1 | tail -n 40
  dotnet test "$ROOT/CrisisBot.sln" -c Release --logger "trx;LogFileName=unit.trx" --results-directory "$trx_dir" 2>&1 | tail -n 40
  local trx
  trx="$(find "$trx_dir" -name '*.trx' | head -n 1)"
  if [[ -z "$trx" ]]; then record dotnet 0 1; return; fi
  local passed failed
  passed=$(grep -o 'passed="[0-9]*"' "$trx" | head -n1 | grep -o '[0-9]*')
  failed=$(grep -o 'failed="[0-9]*"' "$trx" | head -n1 | grep -o '[0-9]*')
  record dotnet "${passed:-0}" "${failed:-1}"
}

# The performance suite in smoke mode (bench/run.sh --smoke: every benchmark with tiny durations, inside a loopback-only
# network namespace, RESULTS.md untouched). ONE test: passed when the harness completes and every piece produced a
# number; the numbers themselves never fail the test command. Uses the Release build of the dotnet stage.
stage_bench_smoke() {
  echo "== benchmark smoke (bench/run.sh --smoke)"
  local log
  log="$(mktemp)"
  bash "$ROOT/bench/run.sh" --smoke --no-build < /dev/null > "$log" 2>&1
  local rc=$?
  tail -n 25 "$log"
  mkdir -p "$ROOT/out/bench" && cp "$log" "$ROOT/out/bench/smoke.log"
  rm -f "$log"
  if [[ $rc -eq 0 ]]; then record bench-smoke 1 0; else echo "benchmark smoke failed (exit $rc), log: out/bench/smoke.log"; record bench-smoke 0 1; fi
}

# End-to-end in the real Agents Playground, inside a loopback-only network namespace (e2e/run-e2e.sh).
stage_e2e() {
  echo "== e2e (Agents Playground)"
  local log line
  log="$(mktemp)"
  bash "$ROOT/e2e/run-e2e.sh" < /dev/null 2>&1 | tee "$log"
  line="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)"
  mkdir -p "$ROOT/e2e/artifacts" && cp "$log" "$ROOT/e2e/artifacts/e2e-stage.log"
  rm -f "$log"
  if [[ -z "$line" ]]; then record e2e 0 1; return; fi
  record e2e "$(awk '{print $1}' <<< "$line")" "$(awk '{print $3}' <<< "$line")"
}

if ! install_prerequisites; then
  echo "warning: some prerequisites could not be installed; the stages that need them will fail"
fi
# A throw-away PostgreSQL cluster for the Postgres variants of the storage/channels/outbox tests (same dotnet run).
# If it cannot be set up, CRISISBOT_TEST_POSTGRES_ERROR makes those tests fail with the reason instead of skipping.
postgres_setup || true
stage_dotnet
postgres_teardown
stage_bench_smoke
stage_e2e

total_passed=0; total_failed=0
while read -r stage p f; do
  echo "stage $stage: $p passed, $f failed"
  total_passed=$((total_passed + p)); total_failed=$((total_failed + f))
done < "$COUNTS"
echo "$total_passed passed, $total_failed failed"
[[ "$total_failed" -eq 0 ]]
