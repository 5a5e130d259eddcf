#!/usr/bin/env bash
# End-to-end stage: CrisisBot against the real Microsoft 365 Agents Playground (playground.md §10).
#
#   bash e2e/run-e2e.sh            outside: build the bot, check node_modules and Chromium, then re-run itself inside
#                                  a fresh network namespace that has only loopback (unshare --net)
#   bash e2e/run-e2e.sh --inside   inside (never call it directly): start the bot and the Playground, run the API tests
#                                  and the UI smoke test, stop every child by PID
#
# Safety (playground.md §1): no network inside the namespace; Playground with --disable-telemetry AND
# APPLICATION_INSIGHTS_NO_STATSBEAT=true AND TEAMSAPPTESTER_BROWSER=none; no Entra credentials; Chromium with the
# offline flags (ui.test.mjs). Logs and screenshots go to e2e/artifacts/ (git-ignored).
# The last line is always "N passed, N failed" (a setup failure counts as one failed test).
# Harness development only: E2E_EXTERNAL_BOT=1 with --inside uses a bot already listening on 127.0.0.1:3978 inside the
# same namespace instead of starting Bot.dll.
set -uo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$E2E_DIR/.." && pwd)"
ARTIFACTS="$E2E_DIR/artifacts"
BOT_OUT="${E2E_BOT_OUT:-$ROOT/out/e2e-bot}"
CONFIG="$E2E_DIR/playground.yml"
BOT_URL="http://127.0.0.1:3978"
PG_PORT_WANTED=56150
TEST_TIMEOUT_S="${E2E_TEST_TIMEOUT_S:-300}"   # watchdog per test file; a hung run counts as a failure
CARE_THRESHOLD=3                              # DutyOfCare:Threshold (N) for the bot; checks/care.test.mjs reads it

summary() { echo "$1 passed, $2 failed"; }
fail_setup() {
  echo "not ok - e2e setup: $*"
  if [[ -d "$ARTIFACTS" ]]; then summary 0 1 | tee "$ARTIFACTS/stage.txt"; else summary 0 1; fi
  exit 1
}

# The admin is the Playground's current user (e2e/playground.yml); the bot gets its aadObjectId as Bot__Admins__0.
config_admin_id() {
  awk '/^currentUser:/{u=1; next} /^[^ #]/{u=0} u && $1=="aadObjectId:"{print $2; exit}' "$CONFIG"
}

# The aadObjectId of the configured user with this display name (Erin Lead is the crisis lead: Crisis__Leads__0).
config_user_id() {
  awk -v name="$1" '$1=="name:" {n=$0; sub(/^[^:]*: */, "", n); hit=(n==name); next} hit && $1=="aadObjectId:" {print $2; exit}' "$CONFIG"
}

node_ws_flag() {
  if node -e 'process.exit(typeof WebSocket === "function" ? 0 : 1)' 2>/dev/null; then echo ""; else echo "--experimental-websocket"; fi
}

outside() {
  mkdir -p "$ARTIFACTS"
  rm -rf "$ARTIFACTS"/*.log "$ARTIFACTS"/*.png "$ARTIFACTS"/*.txt "$ARTIFACTS/devTools"

  [[ -f "$CONFIG" ]] || fail_setup "missing $CONFIG"
  command -v node >/dev/null || fail_setup "node is not installed"
  command -v unshare >/dev/null || fail_setup "unshare (util-linux) is not installed"
  if [[ ! -x "$E2E_DIR/node_modules/.bin/agentsplayground" || ! -d "$E2E_DIR/node_modules/playwright-core" ]]; then
    echo "== e2e: node_modules missing, running npm ci (pinned lock file)"
    (cd "$E2E_DIR" && npm ci --no-audit --no-fund) > "$ARTIFACTS/npm-ci.log" 2>&1 \
      || fail_setup "npm ci in e2e failed, see e2e/artifacts/npm-ci.log"
  fi
  [[ -x /usr/bin/chromium ]] || echo "warning: /usr/bin/chromium is missing; the UI smoke test will fail (scripts/test.sh installs it)"

  echo "== e2e: building the bot (Release) into ${BOT_OUT#"$ROOT"/}"
  dotnet build "$ROOT/Bot/Bot.csproj" -c Release -o "$BOT_OUT" --nologo -v quiet -clp:ErrorsOnly \
    > "$ARTIFACTS/bot-build.log" 2>&1 || { tail -n 30 "$ARTIFACTS/bot-build.log" >&2; fail_setup "dotnet build of Bot failed, see e2e/artifacts/bot-build.log"; }
  [[ -f "$BOT_OUT/Bot.dll" ]] || fail_setup "no Bot.dll in $BOT_OUT after the build"

  # Everything from here runs in a new network namespace with only loopback: nothing can leave the machine.
  local unshare_args=(--net)
  if [[ "$(id -u)" -ne 0 ]]; then unshare_args=(--user --map-root-user --net); fi
  echo "== e2e: entering a loopback-only network namespace (unshare ${unshare_args[*]})"
  E2E_BOT_OUT="$BOT_OUT" unshare "${unshare_args[@]}" sh -c 'ip link set lo up && exec bash "$0" --inside' "${BASH_SOURCE[0]}"
  local rc=$?
  if [[ $rc -ne 0 ]] && ! tail -n 1 "$ARTIFACTS/stage.txt" 2>/dev/null | grep -qE '^[0-9]+ passed, [0-9]+ failed$'; then
    fail_setup "could not run inside a network namespace (unshare exit $rc; creating one needs root or user namespaces)"
  fi
  return $rc
}

# ---------------------------------------------------------------------------------------------------------- inside
PIDS=()
DATA_DIR=""

stop_children() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then echo "# $pid did not stop on SIGTERM, killing it"; kill -KILL "$pid" 2>/dev/null; fi
    wait "$pid" 2>/dev/null
  done
  PIDS=()
  [[ -n "$DATA_DIR" ]] && rm -rf "$DATA_DIR"
}

# Reads "N passed, N failed" from the last matching line of a test log.
counts_of() {
  grep -E '^[0-9]+ passed, [0-9]+ failed$' "$1" 2>/dev/null | tail -n 1 | awk '{print $1, $3}'
}

inside() {
  # Refuse to run anywhere but in a namespace that has no interface besides loopback.
  local others
  others="$(ip -o link show | awk -F': ' '$2 != "lo" {printf "%s ", $2}')"
  [[ -z "$others" ]] || fail_setup "--inside must run in a loopback-only network namespace; found interfaces: $others"

  trap stop_children EXIT
  trap 'exit 130' INT TERM
  : > "$ARTIFACTS/stage.txt"

  # 1. The bot, in local mode (no inbound JWT, no outbound token), loopback only, fresh SQLite data directory.
  local admin_id
  admin_id="$(config_admin_id)"
  [[ -n "$admin_id" ]] || fail_setup "no currentUser aadObjectId in $CONFIG"
  local lead_id
  lead_id="$(config_user_id "Erin Lead")"
  [[ -n "$lead_id" ]] || fail_setup "no user 'Erin Lead' with an aadObjectId in $CONFIG (the crisis lead of checks/crisis and checks/care)"
  DATA_DIR="$(mktemp -d /tmp/crisisbot-e2e-data.XXXXXX)"
  # A throw-away signing secret for POST /api/posts (feature checks post spikes with it).
  INTAKE_SECRET="e2e-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
  # Products: the shipped sample plus the e2e-only products whose people are the Playground users (products.e2e.yaml).
  cat "$BOT_OUT/products.sample.yaml" "$E2E_DIR/products.e2e.yaml" > "$DATA_DIR/products.yaml" \
    || fail_setup "could not write $DATA_DIR/products.yaml"
  local bot_pid=""
  if [[ "${E2E_EXTERNAL_BOT:-0}" == "1" ]]; then
    echo "# E2E_EXTERNAL_BOT=1: using the bot already listening on $BOT_URL inside this namespace (harness development)"
  else
  (
    cd "$BOT_OUT" && exec env ASPNETCORE_URLS="$BOT_URL" Bot__LocalMode=true Storage__DataDirectory="$DATA_DIR" \
      Bot__Admins__0="$admin_id" Intake__Secrets__0="$INTAKE_SECRET" TopicCards__UpdateInterval=00:00:05 \
      Products__Path="$DATA_DIR/products.yaml" \
      Crisis__Leads__0="$lead_id" DutyOfCare__Threshold="$CARE_THRESHOLD" DutyOfCare__Window=00:10:00 \
      DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet Bot.dll
  ) > "$ARTIFACTS/bot.log" 2>&1 < /dev/null &
  bot_pid=$!
  PIDS+=("$bot_pid")
  echo "# bot pid $bot_pid (admin $admin_id, data $DATA_DIR)"
  fi
  local ok=0
  for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null --max-time 2 "$BOT_URL/healthz" 2>/dev/null; then ok=1; break; fi
    [[ -z "$bot_pid" ]] || kill -0 "$bot_pid" 2>/dev/null || break
    sleep 0.5
  done
  if [[ $ok -ne 1 ]]; then
    tail -n 40 "$ARTIFACTS/bot.log" >&2
    fail_setup "the bot did not answer GET /healthz with 200 within 60 s (log: e2e/artifacts/bot.log)"
  fi

  # 2. The Playground, exactly as playground.md §10.2 step 5, from the artifacts folder (it writes ./devTools/).
  (
    cd "$ARTIFACTS" && exec env TEAMSAPPTESTER_BROWSER=none APPLICATION_INSIGHTS_NO_STATSBEAT=true \
      M365_AGENTS_PLAYGROUND_CONFIG_PATH="$CONFIG" M365_AGENTS_PLAYGROUND_LOGFILE="$ARTIFACTS/playground.log" \
      "$E2E_DIR/node_modules/.bin/agentsplayground" -e "$BOT_URL/api/messages" -c msteams -p "$PG_PORT_WANTED" \
      --disable-telemetry
  ) > "$ARTIFACTS/playground-stdout.log" 2>&1 < /dev/null &
  local pg_pid=$!
  PIDS+=("$pg_pid")
  local port=""
  for _ in $(seq 1 100); do
    port="$(sed -n 's/.*Listening on \([0-9][0-9]*\).*/\1/p' "$ARTIFACTS/playground-stdout.log" | head -n 1)"
    [[ -n "$port" ]] && break
    kill -0 "$pg_pid" 2>/dev/null || break
    sleep 0.2
  done
  if [[ -z "$port" ]]; then
    tail -n 40 "$ARTIFACTS/playground-stdout.log" >&2
    fail_setup "the Playground never printed 'Listening on N' (log: e2e/artifacts/playground-stdout.log)"
  fi
  [[ "$port" == "$PG_PORT_WANTED" ]] || echo "# note: port $PG_PORT_WANTED was busy, the Playground listens on $port"
  local pg_url="http://localhost:$port"
  ok=0
  for _ in $(seq 1 50); do
    if [[ "$(curl -fsS --max-time 2 "$pg_url/_debug/ping" 2>/dev/null)" == "pong" ]]; then ok=1; break; fi
    sleep 0.2
  done
  [[ $ok -eq 1 ]] || fail_setup "the Playground did not answer GET /_debug/ping on $pg_url"
  echo "# Playground pid $pg_pid on $pg_url"

  # 3. Protocol-level tests (HTTP + WebSocket), then 4. the UI smoke test in headless Chromium.
  local passed=0 failed=0 counts ws_flag
  ws_flag="$(node_ws_flag)"
  echo "== e2e: API tests"
  # shellcheck disable=SC2086
  (cd "$E2E_DIR" && PG_URL="$pg_url" timeout -k 10 "$TEST_TIMEOUT_S" node $ws_flag api.test.mjs) 2>&1 | tee "$ARTIFACTS/api-tests.log"
  counts="$(counts_of "$ARTIFACTS/api-tests.log")"
  if [[ -n "$counts" ]]; then read -r p f <<< "$counts"; passed=$((passed + p)); failed=$((failed + f)); else failed=$((failed + 1)); echo "not ok - API tests crashed or timed out (see e2e/artifacts/api-tests.log)"; fi

  # 3b. Feature checks: every e2e/checks/*.test.mjs, in name order, same harness and counting as api.test.mjs.
  local check_file check_name
  for check_file in "$E2E_DIR"/checks/*.test.mjs; do
    [[ -e "$check_file" ]] || continue
    check_name="$(basename "$check_file" .test.mjs)"
    echo "== e2e: feature check $check_name"
    # shellcheck disable=SC2086
    (cd "$E2E_DIR" && PG_URL="$pg_url" ARTIFACTS="$ARTIFACTS" BOT_URL="$BOT_URL" E2E_INTAKE_SECRET="$INTAKE_SECRET" \
      E2E_CARE_THRESHOLD="$CARE_THRESHOLD" \
      timeout -k 10 "$TEST_TIMEOUT_S" node $ws_flag "checks/$check_name.test.mjs") 2>&1 | tee "$ARTIFACTS/check-$check_name.log"
    counts="$(counts_of "$ARTIFACTS/check-$check_name.log")"
    if [[ -n "$counts" ]]; then read -r p f <<< "$counts"; passed=$((passed + p)); failed=$((failed + f)); else failed=$((failed + 1)); echo "not ok - feature check $check_name crashed or timed out (see e2e/artifacts/check-$check_name.log)"; fi
  done

  echo "== e2e: UI smoke test"
  (cd "$E2E_DIR" && PG_URL="$pg_url" ARTIFACTS="$ARTIFACTS" timeout -k 10 "$TEST_TIMEOUT_S" node ui.test.mjs) 2>&1 | tee "$ARTIFACTS/ui-tests.log"
  counts="$(counts_of "$ARTIFACTS/ui-tests.log")"
  if [[ -n "$counts" ]]; then read -r p f <<< "$counts"; passed=$((passed + p)); failed=$((failed + f)); else failed=$((failed + 1)); echo "not ok - UI test crashed or timed out (see e2e/artifacts/ui-tests.log)"; fi

  stop_children

  # 5. The bot's own log: no error from CrisisBot code or ASP.NET Core (a failed queued turn never shows in the
  #    Playground, since the HTTP 200 was already sent). EF Core's own "fail:" lines are not counted: the channel store
  #    retries a unique-key race on purpose and EF logs the first attempt.
  if [[ "${E2E_EXTERNAL_BOT:-0}" != "1" ]]; then
    local errors
    errors="$(grep -nE '^(fail|crit): (CrisisBot\.|Microsoft\.AspNetCore\.)' "$ARTIFACTS/bot.log" || true)"
    if [[ -z "$errors" ]]; then
      passed=$((passed + 1)); echo "ok - bot log: no errors from CrisisBot or ASP.NET Core"
    else
      failed=$((failed + 1)); echo "not ok - bot log: errors from CrisisBot or ASP.NET Core (e2e/artifacts/bot.log):"
      while IFS= read -r line; do
        local n="${line%%:*}"
        sed -n "${n},$((n + 1))p" "$ARTIFACTS/bot.log" | sed 's/^/    /'
      done <<< "$errors"
    fi
  fi

  summary "$passed" "$failed" | tee "$ARTIFACTS/stage.txt"
  [[ $failed -eq 0 ]]
}

if [[ "${1:-}" == "--inside" ]]; then inside; else outside; fi
