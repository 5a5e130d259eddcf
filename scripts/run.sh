#!/usr/bin/env bash
# The one run command (README): CrisisBot in local mode on 127.0.0.1:3978 with embedded SQLite under ./data, plus the
# Microsoft 365 Agents Playground (Microsoft's local Teams client) pointed at it. No Teams tenant, no credentials.
# Open the printed URL (http://localhost:56150); Ctrl-C stops both.
#
# Safety (playground.md §1): the Playground always runs with --disable-telemetry AND APPLICATION_INSIGHTS_NO_STATSBEAT=true
# AND TEAMSAPPTESTER_BROWSER=none, and never with Entra credentials. It is installed from the npm registry with the
# committed lock file (e2e/package-lock.json) and never committed. Unlike the test stage this does not run in a network
# namespace (your browser must reach the page). Note: the Playground listens on all interfaces, not only loopback.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

BOT_URL="http://127.0.0.1:3978"
PG_PORT_WANTED=56150
CONFIG="$ROOT/e2e/playground.yml"
BOT_OUT="$ROOT/out/bot"
DATA_DIR="$ROOT/data"
LOG_DIR="$DATA_DIR/logs"

die() { echo "run.sh: $*" >&2; exit 1; }

command -v dotnet >/dev/null || die "the .NET SDK is not installed (global.json pins the version)"
command -v node >/dev/null && command -v npm >/dev/null || die "node and npm are needed for the Agents Playground"

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port_busy 3978 && die "127.0.0.1:3978 is already in use (another bot running?); stop it first"

# 1. Install: the pinned Playground (npm ci from the committed lock file) unless that install is already current.
if [[ ! -x "$ROOT/e2e/node_modules/.bin/agentsplayground" \
      || "$ROOT/e2e/package-lock.json" -nt "$ROOT/e2e/node_modules/.package-lock.json" ]]; then
  echo "== npm ci in e2e (Microsoft 365 Agents Playground 0.2.28, pinned)"
  (cd "$ROOT/e2e" && npm ci --no-audit --no-fund < /dev/null) || die "npm ci in e2e failed"
fi

# 2. Build.
echo "== building the bot (Release) into out/bot"
dotnet build "$ROOT/Bot/Bot.csproj" -c Release -o "$BOT_OUT" --nologo -v quiet -clp:ErrorsOnly || die "dotnet build failed"

mkdir -p "$DATA_DIR" "$LOG_DIR"
ADMIN_ID="$(awk '/^currentUser:/{u=1; next} /^[^ #]/{u=0} u && $1=="aadObjectId:"{print $2; exit}' "$CONFIG")"
[[ -n "$ADMIN_ID" ]] || die "no currentUser aadObjectId in $CONFIG"

PIDS=()
stop_all() {
  trap - EXIT INT TERM
  echo
  echo "== stopping (bot and Playground)"
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  echo "stopped. Data kept in ${DATA_DIR#"$ROOT"/}/ (delete it for a fresh start)."
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# 3. The bot: local mode (accepts the Playground's unauthenticated requests, fetches no token; loopback only).
#    The Playground's current user (Alice Admin in e2e/playground.yml) is a CrisisBot admin.
(
  cd "$BOT_OUT" && exec env ASPNETCORE_URLS="$BOT_URL" Bot__LocalMode=true Storage__DataDirectory="$DATA_DIR" \
    Bot__Admins__0="$ADMIN_ID" dotnet Bot.dll
) > "$LOG_DIR/bot.log" 2>&1 < /dev/null &
BOT_PID=$!
PIDS+=("$BOT_PID")
echo "== bot starting (pid $BOT_PID, log ${LOG_DIR#"$ROOT"/}/bot.log)"
for _ in $(seq 1 120); do
  curl -fsS -o /dev/null --max-time 2 "$BOT_URL/healthz" 2>/dev/null && break
  kill -0 "$BOT_PID" 2>/dev/null || { tail -n 30 "$LOG_DIR/bot.log" >&2; die "the bot exited during startup"; }
  sleep 0.5
done
curl -fsS -o /dev/null --max-time 2 "$BOT_URL/healthz" 2>/dev/null \
  || { tail -n 30 "$LOG_DIR/bot.log" >&2; die "the bot did not answer $BOT_URL/healthz within 60 s"; }

# 4. The Playground with the mandatory safety settings and the mock data (team "Customer Care", channel "Agents").
(
  cd "$LOG_DIR" && exec env TEAMSAPPTESTER_BROWSER=none APPLICATION_INSIGHTS_NO_STATSBEAT=true \
    M365_AGENTS_PLAYGROUND_CONFIG_PATH="$CONFIG" M365_AGENTS_PLAYGROUND_LOGFILE="$LOG_DIR/playground.log" \
    "$ROOT/e2e/node_modules/.bin/agentsplayground" -e "$BOT_URL/api/messages" -c msteams -p "$PG_PORT_WANTED" \
    --disable-telemetry
) > "$LOG_DIR/playground-stdout.log" 2>&1 < /dev/null &
PG_PID=$!
PIDS+=("$PG_PID")
PORT=""
for _ in $(seq 1 100); do
  PORT="$(sed -n 's/.*Listening on \([0-9][0-9]*\).*/\1/p' "$LOG_DIR/playground-stdout.log" | head -n 1)"
  [[ -n "$PORT" ]] && break
  kill -0 "$PG_PID" 2>/dev/null || break
  sleep 0.2
done
[[ -n "$PORT" ]] || { tail -n 30 "$LOG_DIR/playground-stdout.log" >&2; die "the Playground did not start"; }
for _ in $(seq 1 50); do
  [[ "$(curl -fsS --max-time 2 "http://localhost:$PORT/_debug/ping" 2>/dev/null)" == "pong" ]] && break
  sleep 0.2
done

# 5. Demo crisis replay: HOOK for the demo issue. When the bot gains its replay command, start it here against the
#    running bot (e.g. `dotnet "$BOT_OUT/Bot.dll" replay <demo file>` with the same Storage__DataDirectory), so the
#    Playground shows a live crisis. Nothing is replayed yet.

cat <<EOF

CrisisBot is running in local mode on $BOT_URL (data: ${DATA_DIR#"$ROOT"/}/, logs: ${LOG_DIR#"$ROOT"/}/).
Open the Microsoft 365 Agents Playground:  http://localhost:$PORT
  - Personal Chat: type "help", "status" or "links".
  - Teams Channel "Customer Care - Agents": @mention CrisisBot with "link agents" (you are the admin, Alice Admin).
Press Ctrl-C to stop both.
EOF
[[ "$PORT" == "$PG_PORT_WANTED" ]] || echo "(port $PG_PORT_WANTED was busy, so the Playground chose $PORT)"

# Stay up until Ctrl-C or until either process exits.
while kill -0 "$BOT_PID" 2>/dev/null && kill -0 "$PG_PID" 2>/dev/null; do sleep 1; done
kill -0 "$BOT_PID" 2>/dev/null || echo "the bot exited; see ${LOG_DIR#"$ROOT"/}/bot.log" >&2
kill -0 "$PG_PID" 2>/dev/null || echo "the Playground exited; see ${LOG_DIR#"$ROOT"/}/playground-stdout.log" >&2
exit 1
