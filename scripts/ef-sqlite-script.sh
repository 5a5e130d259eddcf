#!/usr/bin/env bash
# Regenerates Bot/Infrastructure/Storage/Migrations/Sqlite/FreshDatabase.sql: the SQL of every SQLite migration with its
# __EFMigrationsHistory rows, no transaction statements (SqliteFreshSchema runs it in one transaction on a new, empty
# database file instead of MigrateAsync building each migration's model). Run it after adding or removing a migration;
# scripts/ef-compiled-models.sh runs it too. Bot.Tests SqliteFreshSchemaTests fails while the script is stale.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet tool restore > /dev/null
OUT="Bot/Infrastructure/Storage/Migrations/Sqlite/FreshDatabase.sql"
echo "== SQLite fresh-database script ($OUT)"
dotnet ef migrations script --project Bot --context SqliteCrisisDbContext --no-transactions --output "$OUT" "$@"
echo "== done: review and commit $OUT"
