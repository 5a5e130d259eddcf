#!/usr/bin/env bash
# The performance suite (issue 8), one command:
#
#   bash bench/run.sh            full run (35–40 minutes on the shared machine): builds Release, runs every benchmark, writes the generated
#                                part of bench/RESULTS.md (between the BEGIN/END markers; the rest is kept as it is)
#   bash bench/run.sh --smoke    the whole harness with tiny durations (1 round, 1 s wrk, 16 connections, the targets
#                                a b c2 d djwt a-msg only (as, a0, c1 are the same servers with another setting), one cold
#                                start, small variants of the other benchmarks), checks that every piece produced a number,
#                                does not touch RESULTS.md; scripts/test.sh runs it as one test (about 45 s on a quiet machine)
#
# Options: --no-build (use the existing Release build, e.g. after `dotnet test -c Release`), --rounds N (default 5),
# --duration S (seconds per wrk measurement, default 10), --keep (keep the raw results folder in smoke mode).
#
# Everything runs inside a new network namespace that has only loopback (unshare --net): servers listen on 127.0.0.1,
# the load generator (wrk, from Debian) is a separate process, nothing can leave the machine. Builds and installs
# (apt-get wrk, npm ci in bench/peers/botbuilder-js) happen before, outside. Exit code: 0 when every piece produced its
# numbers; a missed target never fails the run (the numbers go to RESULTS.md, good or bad).
set -uo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
SUITE_DLL="$BENCH_DIR/suite/bin/Release/net10.0/Suite.dll"
BARE_DLL="$BENCH_DIR/peers/bare/bin/Release/net10.0/Bare.dll"
BUILT_BOT_DLL="$ROOT/Bot/bin/Release/net10.0/Bot.dll"
# The bot as it is deployed: `dotnet publish -r <rid>` (ReadyToRun, see Bot.csproj), made by the build step.
PUBLISHED_BOT_DIR="$ROOT/out/bench/bot"
BOT_DLL="${BENCH_BOT_DLL:-$BUILT_BOT_DLL}"
PEER_JS="$BENCH_DIR/peers/botbuilder-js"
BODY="$BENCH_DIR/invoke/help-refresh.json"
# (a-msg): a channel message activity with a unique id per request (post.lua fills {{SEQ}}), stored before the 200.
MSG_BODY="$BENCH_DIR/invoke/channel-message.json"
LUA="$BENCH_DIR/invoke/post.lua"
RESULTS_MD="$BENCH_DIR/RESULTS.md"
BEGIN_MARK='<!-- BEGIN bench/run.sh generated part: rewritten by every full run, do not edit by hand -->'
END_MARK='<!-- END bench/run.sh generated part -->'
# The identity of the benchmark bot (not a real Entra app; the issuer is local).
APP_ID="6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"
TENANT_ID="0b1c2d3e-4f50-4a61-b723-c4d5e6f7a8b9"
# Ports inside the namespace (a fresh namespace has every port free).
P_ISSUER=3990 P_AS=3976 P_A0=3977 P_A=3978 P_B=3979 P_C1=3981 P_C2=3982 P_D=3983 P_DJWT=3984 P_COLD=3985

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

SMOKE=0 BUILD=1 ROUNDS=5 DURATION=10 KEEP=0 INSIDE=0 R=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --smoke) SMOKE=1 ;;
    --no-build) BUILD=0 ;;
    --rounds) ROUNDS="$2"; shift ;;
    --duration) DURATION="$2"; shift ;;
    --keep) KEEP=1 ;;
    --inside) INSIDE=1; R="$2"; shift ;;
    *) echo "bench/run.sh: unknown option '$1' (use --smoke, --no-build, --rounds N, --duration S, --keep)" >&2; exit 2 ;;
  esac
  shift
done
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "bench/run.sh: --rounds must be a positive integer" >&2; exit 2; }
[[ "$DURATION" =~ ^[1-9][0-9]*$ ]] || { echo "bench/run.sh: --duration must be a positive integer (seconds)" >&2; exit 2; }
if [[ $SMOKE -eq 1 ]]; then ROUNDS=1; DURATION=1; fi

# The invoke targets of a full run, and the fewer of a smoke run: (as), (a0) and (c1) run the same servers as (a) and (c2)
# with another setting; leaving them out saves two bot starts and a node process, and every piece of the harness still
# runs. This is the only list of smoke targets: `report --smoke --targets` checks exactly these. (am) posts a message
# activity, the others the help.refresh invoke whose card is compared byte for byte.
FULL_TARGETS=(a as a0 b c1 c2 d djwt am)
SMOKE_TARGETS=(a b c2 d djwt am)

log() { echo "== bench: $*"; }
die() { echo "bench/run.sh: $*" >&2; exit 1; }

# Other engineers' benchmarks: run when their project exists, else a clear note. name → args (full / smoke).
# A benchmark without a smoke variant runs in full mode only (smoke mode passes --smoke only where Program.cs knows it).
other_args() {
  local name="$1" smoke="$2"
  case "$name:$smoke" in
    quality:0) echo "" ;;
    quality:1) echo "--no-throughput --smoke" ;;
    fanout:0) echo "--fast-poll" ;;
    fanout:1) echo "--fanout-runs 0 --throughput-runs 1 --rows 50 --conversations 10" ;;
    intake:1) echo "--smoke --sizes 2000 --http-posts 1000" ;;
    *:0) echo "" ;;
    *:1) echo "--smoke" ;;
  esac
}
OTHER_BENCHES=(quality fanout intake spikecard prep)

project_of() { find "$BENCH_DIR/$1" -maxdepth 1 -name '*.csproj' 2>/dev/null | head -n 1; }
dll_of() { local p; p="$(project_of "$1")"; [[ -n "$p" ]] && echo "$BENCH_DIR/$1/bin/Release/net10.0/$(basename "${p%.csproj}").dll"; }

# ------------------------------------------------------------------------------------------------------------- outside
install_wrk() {
  command -v wrk >/dev/null && return 0
  log "installing Debian wrk (the load generator)"
  local sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo=(sudo -n); else die "wrk is missing and installing it needs root (apt-get install -y wrk)"; fi
  fi
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 wrk < /dev/null \
    || { "${sudo[@]}" apt-get update -q < /dev/null && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 wrk < /dev/null; } \
    || die "apt-get install wrk failed"
}

# npm ci unless node_modules is already installed from the current lock file (scripts/test.sh installs it first).
npm_ci_peer() {
  if [[ -d "$PEER_JS/node_modules/botbuilder" && "$PEER_JS/node_modules/.package-lock.json" -nt "$PEER_JS/package-lock.json" ]]; then
    return 0
  fi
  log "npm ci in bench/peers/botbuilder-js (botbuilder 4.23.3 from the committed lock file)"
  (cd "$PEER_JS" && npm ci --no-audit --no-fund < /dev/null) || die "npm ci in bench/peers/botbuilder-js failed"
}

build() {
  log "building Release (CrisisBot.sln: bot, bench projects, peers)"
  dotnet build "$ROOT/CrisisBot.sln" -c Release --nologo -v quiet -clp:ErrorsOnly < /dev/null || die "dotnet build failed"
}

# After build_others: a benchmark outside the solution that references Bot (bench/prep) rebuilds Bot/bin/Release, and
# choose_bot takes the newer of the two.
publish_bot() {
  local rid
  rid="linux-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')"
  log "publishing the bot for $rid (ReadyToRun) into out/bench/bot"
  dotnet publish "$ROOT/Bot/Bot.csproj" -c Release -r "$rid" --self-contained false -o "$PUBLISHED_BOT_DIR" --nologo -v quiet \
    -clp:ErrorsOnly < /dev/null || die "dotnet publish of the bot failed"
  # publish copies its ReadyToRun image with the time it was compiled, which can be older than a later rebuild of the
  # same sources into bin/ (e.g. by `dotnet test`): mark it as made now, so choose_bot takes it.
  touch "$PUBLISHED_BOT_DIR/Bot.dll"
}

# The published bot when it is at least as new as the Release build (a --no-build run after `dotnet test` may find an
# older publish or none: then the plain build output, JIT-compiled at start, and RESULTS.md says so).
choose_bot() {
  if [[ -f "$PUBLISHED_BOT_DIR/Bot.dll" && ! "$BUILT_BOT_DLL" -nt "$PUBLISHED_BOT_DIR/Bot.dll" ]]; then
    export BENCH_BOT_DLL="$PUBLISHED_BOT_DIR/Bot.dll" BENCH_BOT_KIND="the published bot (\`dotnet publish -r <rid>\`, ReadyToRun: out/bench/bot/Bot.dll)"
  else
    export BENCH_BOT_DLL="$BUILT_BOT_DLL" BENCH_BOT_KIND="the plain Release build (Bot/bin/Release/net10.0/Bot.dll, JIT-compiled at start: no current publish in out/bench/bot)"
  fi
  BOT_DLL="$BENCH_BOT_DLL"
}

# Benchmarks of other branches that are not in the solution are built even with --no-build (the solution build, e.g. the
# test command's, does not cover them).
build_others() {
  local name proj
  for name in "${OTHER_BENCHES[@]}"; do
    proj="$(project_of "$name")"
    if [[ -n "$proj" ]] && ! grep -q "$(basename "$proj")" "$ROOT/CrisisBot.sln"; then
      dotnet build "$proj" -c Release --nologo -v quiet -clp:ErrorsOnly < /dev/null || die "dotnet build of bench/$name failed"
    fi
  done
}

machine_facts() {
  local mem cpu os
  mem="$(awk '/^MemTotal:/{printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  cpu="$(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)"
  os="$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")"
  echo "cores: $(nproc) (${cpu:-unknown CPU}), memory: $mem, OS: ${os:-unknown} (kernel $(uname -r))"
  echo ".NET SDK $(dotnet --version), runtime $(dotnet --list-runtimes | awk '/Microsoft.NETCore.App/{v=$2} END{print v}'), Release build; node $(node --version); $(wrk --version 2>&1 | head -n 1 | awk '{print "wrk", $2}')"
  echo "started $(date -u '+%Y-%m-%d %H:%M UTC'); load average before: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared: other engineers compile and test on the same 2 cores)"
}

splice_results() {
  local generated="$1" tmp
  tmp="$(mktemp)"
  if grep -qF "$BEGIN_MARK" "$RESULTS_MD"; then
    awk -v begin="$BEGIN_MARK" -v end="$END_MARK" -v gen="$generated" '
      $0 == begin { print; while ((getline line < gen) > 0) print line; skip = 1; next }
      $0 == end { skip = 0 }
      !skip { print }' "$RESULTS_MD" > "$tmp"
  else
    { cat "$RESULTS_MD"; echo; echo "## Performance suite (generated by \`bash bench/run.sh\`)"; echo; echo "$BEGIN_MARK"; cat "$generated"; echo "$END_MARK"; } > "$tmp"
  fi
  mv "$tmp" "$RESULTS_MD"
}

outside() {
  local started=$SECONDS
  command -v node >/dev/null || die "node is not installed (Node 20+)"
  command -v unshare >/dev/null || die "unshare (util-linux) is not installed"
  install_wrk
  npm_ci_peer
  [[ $BUILD -eq 1 ]] && build
  build_others
  [[ $BUILD -eq 1 ]] && publish_bot
  choose_bot
  for f in "$SUITE_DLL" "$BARE_DLL" "$BOT_DLL"; do [[ -f "$f" ]] || die "missing $f (run without --no-build)"; done

  if [[ $SMOKE -eq 1 ]]; then R="$(mktemp -d /tmp/crisisbot-bench-smoke.XXXXXX)"; else R="$ROOT/out/bench/results-$(date -u +%Y%m%d-%H%M%S)"; fi
  mkdir -p "$R/other" "$R/logs"
  machine_facts > "$R/machine.txt"
  echo "Every CrisisBot target (and the cold start) runs $BENCH_BOT_KIND." >> "$R/notes.txt"

  local unshare_args=(--net)
  if [[ "$(id -u)" -ne 0 ]]; then unshare_args=(--user --map-root-user --net); fi
  log "entering a loopback-only network namespace (unshare ${unshare_args[*]}); raw results in $R"
  local inner_args=(--inside "$R" --rounds "$ROUNDS" --duration "$DURATION")
  [[ $SMOKE -eq 1 ]] && inner_args+=(--smoke)
  local inside_started=$SECONDS
  unshare "${unshare_args[@]}" sh -c 'ip link set lo up && exec bash "$0" "$@"' "${BASH_SOURCE[0]}" "${inner_args[@]}"
  local rc=$?
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); benchmarks took $((SECONDS - inside_started)) s (build and installs excluded)" >> "$R/machine.txt"
  [[ $rc -eq 0 ]] || { echo "bench/run.sh: a benchmark failed (exit $rc); logs in $R/logs" >&2; exit "$rc"; }

  if [[ $SMOKE -eq 1 ]]; then
    dotnet "$SUITE_DLL" report --results "$R" --smoke --targets "$(IFS=,; echo "${SMOKE_TARGETS[*]}")" || { echo "bench/run.sh: smoke check failed; raw results in $R" >&2; exit 1; }
    log "smoke run complete in $((SECONDS - started)) s ($((SECONDS - inside_started)) s inside the namespace); RESULTS.md untouched"
    [[ $KEEP -eq 1 ]] || rm -rf "$R"
    return 0
  fi

  dotnet "$SUITE_DLL" report --results "$R" > "$R/generated.md" || die "report failed; raw results in $R"
  splice_results "$R/generated.md"
  log "done in $((SECONDS - started)) s; bench/RESULTS.md updated (generated part), raw results in $R"
}

# -------------------------------------------------------------------------------------------------------------- inside
PIDS=()
declare -A SERVER_PID=()

stop_all() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
  done
  PIDS=()
}

cmd() { echo "$*" | sed "s#$R#\$R#g; s#$ROOT/##g" >> "$R/commands.txt"; }

# start NAME PORT command…   (background, logs to $R/logs/NAME.log)
start() {
  local name="$1" port="$2"; shift 2
  cmd "$*    # $name, 127.0.0.1:$port"
  "$@" > "$R/logs/$name.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid"); SERVER_PID[$name]=$pid
}

wait_http() {
  local name="$1" url="$2"
  # Up to 180 s: on a starved shared machine a .NET server can take close to a minute to start.
  for _ in $(seq 1 1800); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    kill -0 "${SERVER_PID[$name]}" 2>/dev/null || { tail -n 30 "$R/logs/$name.log" >&2; die "$name exited before $url answered"; }
    sleep 0.1
  done
  tail -n 30 "$R/logs/$name.log" >&2
  die "$name did not answer $url within 180 s"
}

# Resident set of a server and, for the node:cluster primary, its workers (MB).
rss_mb() {
  local pid="$1" total=0 child
  total=$(awk '/^VmRSS:/{print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
  for child in $(pgrep -P "$pid" 2>/dev/null); do
    total=$((total + $(awk '/^VmRSS:/{print $2}' "/proc/$child/status" 2>/dev/null || echo 0)))
  done
  echo $((total / 1024))
}

# run_wrk TARGET PORT CONNS ROUND TOKEN_FILE [BODY_FILE]
run_wrk() {
  local target="$1" port="$2" conns="$3" round="$4" token="$5" body="${6:-$BODY}" threads=2 out json
  [[ "$conns" -lt 2 ]] && threads=1
  out="$R/logs/wrk-$target-$conns-$round.txt"
  BENCH_BODY="$body" BENCH_TOKEN="$token" wrk -t"$threads" -c"$conns" -d"${DURATION}s" --timeout 10s --latency -s "$LUA" \
    "http://127.0.0.1:$port/api/messages" > "$out" 2>&1
  json="$(sed -n 's/^BENCH_JSON //p' "$out" | tail -n 1)"
  [[ -n "$json" ]] || { cat "$out" >&2; die "wrk against $target ($conns connections) printed no result"; }
  echo "{\"target\":\"$target\",\"conns\":$conns,\"round\":$round,${json#\{}" >> "$R/invoke.jsonl"
  printf '   %-5s %3s conn. round %s: %s\n' "$target" "$conns" "$round" \
    "$(grep -E '^Requests/sec|^ +99%' "$out" | tr -s ' ' | tr '\n' ' ')"
}

inside() {
  trap stop_all EXIT
  cd "$R" || exit 1
  local conns_list=(1 16 64) warm=5
  # Smoke: no warm-up (it only checks that every target answers; keeps the stage under 60 s).
  [[ $SMOKE -eq 1 ]] && { conns_list=(16); warm=0; }

  # Smoke: fewer variants (SMOKE_TARGETS, above). Every target but (am) answers the reference card.
  local targets=("${FULL_TARGETS[@]}") card_targets=() t c round
  [[ $SMOKE -eq 1 ]] && targets=("${SMOKE_TARGETS[@]}")
  for t in "${targets[@]}"; do [[ $t == am ]] || card_targets+=("$t"); done
  local -A WANT=()
  for t in "${targets[@]}"; do WANT[$t]=1; done

  # Everything that does not need another server starts at once (the bots fetch the issuer's metadata only at their
  # first authenticated request); the peers need the reference card, so they start after (b) answered it.
  log "starting the servers"
  local jwt_env=(MicrosoftAppId=$APP_ID MicrosoftAppTenantId=$TENANT_ID MicrosoftAppPassword=bench-placeholder-not-a-credential
    Bot__OpenIdMetadataUrl="http://127.0.0.1:$P_ISSUER/v1/.well-known/openidconfiguration"
    Bot__EntraOpenIdMetadataUrl="http://127.0.0.1:$P_ISSUER/entra/{tenantId}/v2.0/.well-known/openid-configuration")
  start issuer $P_ISSUER dotnet "$SUITE_DLL" issuer --port $P_ISSUER --out "$R/issuer" --app-id $APP_ID --tenant $TENANT_ID
  start bot-b $P_B env ASPNETCORE_URLS=http://127.0.0.1:$P_B Bot__LocalMode=true Storage__DataDirectory="$R/data-b" \
    dotnet "$BOT_DLL"
  start bot-a $P_A env ASPNETCORE_URLS=http://127.0.0.1:$P_A "${jwt_env[@]}" Storage__DataDirectory="$R/data-a" dotnet "$BOT_DLL"
  [[ -n "${WANT[as]:-}" ]] && start bot-as $P_AS env DOTNET_gcServer=1 ASPNETCORE_URLS=http://127.0.0.1:$P_AS "${jwt_env[@]}" \
    Storage__DataDirectory="$R/data-as" dotnet "$BOT_DLL"
  [[ -n "${WANT[a0]:-}" ]] && start bot-a0 $P_A0 env ASPNETCORE_URLS=http://127.0.0.1:$P_A0 "${jwt_env[@]}" \
    Storage__DataDirectory="$R/data-a0" Bot__TokenCacheSeconds=0 dotnet "$BOT_DLL"
  wait_http bot-b "http://127.0.0.1:$P_B/healthz"

  # The reference card: what CrisisBot itself answers (so every peer returns byte-for-byte the same card JSON).
  curl -fsS -X POST -H 'Content-Type: application/json' --data-binary "@$BODY" "http://127.0.0.1:$P_B/api/messages" > "$R/answer.json" \
    || die "CrisisBot (local mode) did not answer the help.refresh invoke"
  node -e 'const a=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")); if(a.type!=="application/vnd.microsoft.card.adaptive"){console.error("not a card: "+JSON.stringify(a).slice(0,300));process.exit(1)} process.stdout.write(JSON.stringify(a.value))' \
    "$R/answer.json" > "$R/card.json" || die "CrisisBot's answer to help.refresh is not a card"
  cmd "curl -X POST --data-binary @bench/invoke/help-refresh.json http://127.0.0.1:$P_B/api/messages  # reference card → \$R/card.json"

  [[ -n "${WANT[c1]:-}" ]] && start c1 $P_C1 node "$PEER_JS/server.js" --port $P_C1 --card "$R/card.json"
  start c2 $P_C2 node "$PEER_JS/server.js" --port $P_C2 --card "$R/card.json" --workers 2
  start d $P_D dotnet "$BARE_DLL" --urls http://127.0.0.1:$P_D --card "$R/card.json"
  wait_http issuer "http://127.0.0.1:$P_ISSUER/v1/.well-known/openidconfiguration" # writes the public key djwt reads
  start djwt $P_DJWT dotnet "$BARE_DLL" --urls http://127.0.0.1:$P_DJWT --card "$R/card.json" --jwt-key "$R/issuer/public.pem" --app-id $APP_ID
  local name port
  for name in bot-a bot-a0 bot-as c1 c2 d djwt; do
    [[ -n "${SERVER_PID[$name]:-}" ]] || continue
    case "$name" in bot-a) port=$P_A ;; bot-a0) port=$P_A0 ;; bot-as) port=$P_AS ;; c1) port=$P_C1 ;; c2) port=$P_C2 ;; d) port=$P_D ;; djwt) port=$P_DJWT ;; esac
    wait_http "$name" "http://127.0.0.1:$port/healthz"
  done

  declare -A PORT=([a]=$P_A [as]=$P_AS [a0]=$P_A0 [b]=$P_B [c1]=$P_C1 [c2]=$P_C2 [d]=$P_D [djwt]=$P_DJWT [am]=$P_A)
  declare -A TOKEN=([a]="$R/issuer/token.txt" [as]="$R/issuer/token.txt" [a0]="$R/issuer/token.txt" [djwt]="$R/issuer/token.txt" [am]="$R/issuer/token.txt")
  declare -A PROC=([a]=bot-a [as]=bot-as [a0]=bot-a0 [b]=bot-b [c1]=c1 [c2]=c2 [d]=d [djwt]=djwt [am]=bot-a)
  declare -A TBODY=([am]="$MSG_BODY")
  log "checking that every target answers the same card (and 401 without a token where JWT is on)"
  local urls=() token_urls=()
  for t in "${card_targets[@]}"; do
    urls+=("http://127.0.0.1:${PORT[$t]}/api/messages")
    [[ -n "${TOKEN[$t]:-}" ]] && token_urls+=("http://127.0.0.1:${PORT[$t]}/api/messages")
  done
  dotnet "$SUITE_DLL" check --url "$(IFS=,; echo "${urls[*]}")" --body "$BODY" --card "$R/card.json" \
    --token "$R/issuer/token.txt" --token-urls "$(IFS=,; echo "${token_urls[*]}")" || die "a target failed the answer check"

  # The first message activity after start (a cold path: its store's first commit, EF's first insert), reported as such;
  # it also primes that path for the smoke run, which has no warm-up.
  local cold_ms
  cold_ms="$(sed 's/{{SEQ}}/cold-first/' "$MSG_BODY" | curl -sS -o /dev/null -w '%{http_code} %{time_total}' -X POST -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $(tr -d '[:space:]' < "$R/issuer/token.txt")" --data-binary @- "http://127.0.0.1:$P_A/api/messages")"
  echo "First message activity after start on (a) (stored before the 200; cold: first commit of its store): HTTP ${cold_ms% *}, $(awk -v s="${cold_ms#* }" 'BEGIN{printf "%.0f", s*1000}') ms." >> "$R/notes.txt"
  [[ $warm -gt 0 ]] && log "warm-up: ${warm} s per target at 64 connections (JIT tiers, V8 optimisation, connection pools)"
  for t in "${targets[@]}"; do
    [[ $warm -gt 0 ]] || break
    BENCH_BODY="${TBODY[$t]:-$BODY}" BENCH_TOKEN="${TOKEN[$t]:-}" wrk -t2 -c64 -d"${warm}s" -s "$LUA" "http://127.0.0.1:${PORT[$t]}/api/messages" \
      > "$R/logs/warmup-$t.txt" 2>&1 || die "warm-up of $t failed"
  done
  cmd "BENCH_BODY=bench/invoke/help-refresh.json BENCH_TOKEN=\$R/issuer/token.txt wrk -t2 -c64 -d${warm}s -s bench/invoke/post.lua http://127.0.0.1:PORT/api/messages   # warm-up, not measured"
  cmd "BENCH_BODY=bench/invoke/help-refresh.json [BENCH_TOKEN=\$R/issuer/token.txt for a, a0, djwt] wrk -t{1 for 1 conn., else 2} -c{$(IFS=,; echo "${conns_list[*]}")} -d${DURATION}s --timeout 10s --latency -s bench/invoke/post.lua http://127.0.0.1:PORT/api/messages   # ${ROUNDS} rounds × targets ${targets[*]}"

  log "measuring: $ROUNDS round(s) × ${#targets[@]} targets × ${#conns_list[@]} connection counts × ${DURATION} s"
  for round in $(seq 1 "$ROUNDS"); do
    for t in "${targets[@]}"; do
      for c in "${conns_list[@]}"; do
        run_wrk "$t" "${PORT[$t]}" "$c" "$round" "${TOKEN[$t]:-}" "${TBODY[$t]:-$BODY}"
      done
    done
  done
  cmd "BENCH_BODY=bench/invoke/channel-message.json BENCH_TOKEN=\$R/issuer/token.txt wrk … -s bench/invoke/post.lua http://127.0.0.1:$P_A/api/messages   # (a-msg): same as (a), a new channel message per request"
  for t in "${targets[@]}"; do
    echo "{\"target\":\"$t\",\"rss_mb\":$(rss_mb "${SERVER_PID[${PROC[$t]}]}")}" >> "$R/servers.jsonl"
  done
  if [[ $SMOKE -eq 0 ]]; then
    # Where the tail comes from: GC pauses, allocations and the thread-pool queue of the bot under the top load, one extra
    # measurement per target with an EventPipe session attached (not in the tables above: the session costs a little).
    log "GC and thread-pool probe: (a), (b) and (a-msg) at 64 connections, ${DURATION} s each"
    cmd "dotnet Suite.dll gcprobe --pid <bot pid> --seconds $((DURATION - 1)) --label <target> --requests-from <wrk output>   # during one wrk -c64 -d${DURATION}s per target"
    for t in a b am; do
      local probe_out="$R/logs/wrk-probe-$t.txt"
      BENCH_BODY="${TBODY[$t]:-$BODY}" BENCH_TOKEN="${TOKEN[$t]:-}" wrk -t2 -c64 -d"${DURATION}s" --latency -s "$LUA" \
        "http://127.0.0.1:${PORT[$t]}/api/messages" > "$probe_out" 2>&1 &
      local wrk_pid=$!
      sleep 0.5
      dotnet "$SUITE_DLL" gcprobe --pid "${SERVER_PID[${PROC[$t]}]}" --seconds $((DURATION - 1)) --label "$t, 64 conn." --requests-from "$probe_out" \
        > "$R/logs/gcprobe-$t.json" 2> "$R/logs/gcprobe-$t.txt" || echo "gcprobe of $t failed (see logs/gcprobe-$t.txt)" >> "$R/notes.txt"
      wait "$wrk_pid"
      sed -n '1p' "$R/logs/gcprobe-$t.json" | grep '^{' >> "$R/gc.jsonl"
      echo "   gcprobe $t: $(tail -n 2 "$R/logs/gcprobe-$t.txt" | tr '\n' ' ')"
    done
  fi
  local fetches
  fetches="$(curl -fsS "http://127.0.0.1:$P_ISSUER/stats" 2>/dev/null)"
  echo "OpenID metadata/JWKS documents served by the local issuer during the whole run (bots (a) and (a0) fetch them once and cache them; the readiness probe counts too): ${fetches:-unknown}." >> "$R/notes.txt"
  stop_all

  log "cold start and idle RSS"
  local cold_runs=5 cold_warm=2000 cold_idle=5
  [[ $SMOKE -eq 1 ]] && { cold_runs=1; cold_warm=200; cold_idle=1; }
  cmd "dotnet Suite.dll coldstart --bot-dll ${BOT_DLL#$ROOT/} --port $P_COLD --body bench/invoke/help-refresh.json --runs $cold_runs --warmup $cold_warm --idle-seconds $cold_idle --out \$R/coldstart.jsonl"
  dotnet "$SUITE_DLL" coldstart --bot-dll "$BOT_DLL" --port $P_COLD --body "$BODY" --runs $cold_runs --warmup $cold_warm \
    --idle-seconds $cold_idle --out "$R/coldstart.jsonl" || die "cold start benchmark failed"

  local name dll args
  for name in "${OTHER_BENCHES[@]}"; do
    dll="$(dll_of "$name")"
    if [[ -z "$dll" ]]; then
      echo "bench/$name: not present on this branch (no project in bench/$name); skipped." >> "$R/notes.txt"
      log "bench/$name: not present, skipped"
      continue
    fi
    [[ -f "$dll" ]] || die "bench/$name has a project but no build output $dll"
    args="$(other_args "$name" "$SMOKE")"
    if [[ "$args" == "--smoke" ]] && ! grep -rqs -- '--smoke' "$BENCH_DIR/$name"/*.cs; then
      echo "bench/$name: has no --smoke variant; runs in full mode only." >> "$R/notes.txt"
      log "bench/$name: no --smoke variant, skipped in smoke mode"
      continue
    fi
    log "bench/$name $args"
    cmd "dotnet run --project bench/$name -c Release${args:+ -- $args}"
    # shellcheck disable=SC2086
    # Inside the loopback-only namespace a PostgreSQL server of the host (CRISISBOT_TEST_POSTGRES from scripts/test.sh)
    # is unreachable: the benchmarks run their SQLite parts here; run bench/fanout directly for PostgreSQL figures.
    (cd "$ROOT" && env -u CRISISBOT_TEST_POSTGRES dotnet "$dll" $args) > "$R/other/$name.md" 2> "$R/logs/$name.err"
    local rc=$?
    [[ -s "$R/other/$name.md" ]] || { tail -n 20 "$R/logs/$name.err" >&2; die "bench/$name printed no report (exit $rc)"; }
    # A benchmark's own exit code says whether its own checks held; that is a result, reported, never a harness failure.
    [[ $rc -eq 0 ]] || echo "bench/$name exited with $rc: its own checks did not all hold in this run (see its output below)." >> "$R/notes.txt"
  done
  log "all benchmarks ran"
}

if [[ $INSIDE -eq 1 ]]; then inside; else outside; fi
