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

# Demo set-up (issue 5): every product's hot-topic cards go to the Playground's "Agents" channel (products.yaml
# `channel`, in a copy of the shipped sample under ./data), reached through the Playground's Connector URL before the
# channel was ever opened; POST /api/posts gets a throw-away signing secret for the replay below.
AGENTS_CHANNEL="$(awk '/^ *channels:/{c=1; next} c && $1=="-" && $2=="id:"{print $3; exit}' "$CONFIG")"
TENANT_ID="$(awk '$1=="tenantId:"{print $2; exit}' "$CONFIG")"
[[ -n "$AGENTS_CHANNEL" && -n "$TENANT_ID" ]] || die "no team channel or tenantId in $CONFIG"
DEMO_PRODUCTS="$DATA_DIR/demo-products.yaml"
sed "s|^\(    slaMinutes: .*\)$|\1\n    channel: \"$AGENTS_CHANNEL\"|" "$BOT_OUT/products.sample.yaml" > "$DEMO_PRODUCTS" \
  || die "could not write $DEMO_PRODUCTS"
INTAKE_SECRET="demo-$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
DEMO_FILE="$ROOT/Bot/Demo/demo-crisis.jsonl"
DEMO_SPEED="${CRISISBOT_DEMO_SPEED:-60x}"
DEMO_WARMUP_END="2026-03-18T16:00:00Z"   # the first spike of the demo crisis starts at 16:42 event time

PIDS=()
stop_all() {
  trap - EXIT INT TERM
  echo
  echo "== stopping (bot, Playground, demo replay)"
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
    Bot__Admins__0="$ADMIN_ID" Products__Path="$DEMO_PRODUCTS" Intake__Secrets__0="$INTAKE_SECRET" \
    TopicCards__DefaultServiceUrl="http://localhost:$PG_PORT_WANTED/_connector" TopicCards__DefaultTenantId="$TENANT_ID" \
    dotnet Bot.dll
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

# 5. Demo crisis replay (Bot/Demo/demo-crisis.jsonl, 1,914 posts over 10 days) into the running bot through its signed
#    POST /api/posts: the 2.5 quiet days before the first spike as fast as possible (they only teach the baselines), then
#    the rest at $DEMO_SPEED (60x: one event-time hour per wall minute), so the first hot-topic card appears in the
#    "Agents" channel within about a minute and cards keep updating (at most once a minute each) while spikes run.
#    CRISISBOT_DEMO=0 skips it; a second run on the same ./data finds every post already there (delete ./data/).
if [[ "${CRISISBOT_DEMO:-1}" != "0" ]]; then
  DEMO_DIR="$DATA_DIR/demo"
  mkdir -p "$DEMO_DIR"
  awk -v cut="$DEMO_WARMUP_END" -v early="$DEMO_DIR/warmup.jsonl" -v late="$DEMO_DIR/crisis.jsonl" '
    { t = ""; if (match($0, /"createdAt":"[^"]*"/)) t = substr($0, RSTART + 13, RLENGTH - 14)
      if (t < cut) print > early; else print > late }' "$DEMO_FILE" || die "could not split $DEMO_FILE"
  (cd "$BOT_OUT" && Intake__Secrets__0="$INTAKE_SECRET" dotnet Bot.dll replay "$DEMO_DIR/warmup.jsonl" --speed max --url "$BOT_URL") \
    > "$LOG_DIR/demo-replay.log" 2>&1 < /dev/null || echo "run.sh: the demo warm-up replay failed; see ${LOG_DIR#"$ROOT"/}/demo-replay.log" >&2
  (
    cd "$BOT_OUT" && exec env Intake__Secrets__0="$INTAKE_SECRET" \
      dotnet Bot.dll replay "$DEMO_DIR/crisis.jsonl" --speed "$DEMO_SPEED" --url "$BOT_URL"
  ) >> "$LOG_DIR/demo-replay.log" 2>&1 < /dev/null &
  PIDS+=("$!")
  echo "== demo crisis replay started ($DEMO_SPEED after a fast warm-up; log ${LOG_DIR#"$ROOT"/}/demo-replay.log)"
fi

cat <<EOF

CrisisBot is running in local mode on $BOT_URL (data: ${DATA_DIR#"$ROOT"/}/, logs: ${LOG_DIR#"$ROOT"/}/).
Open the Microsoft 365 Agents Playground:  http://localhost:$PORT
  - Personal Chat: type "help", "status" or "links".
  - Teams Channel "Customer Care - Agents": hot-topic cards of the demo crisis appear here within about a minute and
    update in place (Mute / Resolve work for you, Alice Admin). @mention CrisisBot with "link agents" and so on.
Press Ctrl-C to stop both.
EOF
[[ "$PORT" == "$PG_PORT_WANTED" ]] || echo "(port $PG_PORT_WANTED was busy, so the Playground chose $PORT)"

# Stay up until Ctrl-C or until either process exits.
while kill -0 "$BOT_PID" 2>/dev/null && kill -0 "$PG_PID" 2>/dev/null; do sleep 1; done
kill -0 "$BOT_PID" 2>/dev/null || echo "the bot exited; see ${LOG_DIR#"$ROOT"/}/bot.log" >&2
kill -0 "$PG_PID" 2>/dev/null || echo "the Playground exited; see ${LOG_DIR#"$ROOT"/}/playground-stdout.log" >&2
exit 1
