#!/usr/bin/env bash
# Regenerates the EF Core compiled models of both providers (Bot/Infrastructure/Storage/CompiledModels/{Sqlite,Postgres}).
# Run it after changing an entity or an IEntityTypeConfiguration (and after merging a branch that did), together with
# the migrations (Bot/Infrastructure/Storage/Migrations/README.md). Bot.Tests CompiledModelTests fails until it has run.
# It also regenerates the SQLite fresh-database script (scripts/ef-sqlite-script.sh).
# The old models are deleted first, so the project builds even when they no longer match the entities; EF Core then
# builds the model from OnModelCreating (the design-time factories never open a database). Takes a few minutes.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet tool restore > /dev/null
for provider in Sqlite Postgres; do
  rm -rf "Bot/Infrastructure/Storage/CompiledModels/$provider"
done
for provider in Sqlite Postgres; do
  echo "== compiled model for ${provider}CrisisDbContext"
  dotnet ef dbcontext optimize --project Bot --context "${provider}CrisisDbContext" \
    --output-dir "Infrastructure/Storage/CompiledModels/$provider" \
    --namespace "CrisisBot.Infrastructure.Storage.CompiledModels.$provider"
done
bash "$ROOT/scripts/ef-sqlite-script.sh"
echo "== done: review and commit Bot/Infrastructure/Storage/CompiledModels and Migrations/Sqlite/FreshDatabase.sql"
