#!/usr/bin/env bash
# Author migration SQL offline (the native schema engine cannot be downloaded here): Prisma 6's JS engine
# diffs the previous schema (git HEAD, or empty) against prisma/schema.prisma and prints SQL.
# Usage: scripts/migration-diff.sh [--from-empty] > /tmp/diff.sql
# Review it, append hand-written constraints, save as prisma/migrations/<timestamp>_<name>/migration.sql.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
side() { sed 's/^\(\s*provider = "postgresql"\)$/\1\n  url = "postgresql:\/\/unused"/' "$1" > "$2"; }
side prisma/schema.prisma "$tmp/to.prisma"
if [[ "${1:-}" == "--from-empty" ]]; then from=(--from-empty); else
  git show HEAD:prisma/schema.prisma > "$tmp/prev.prisma"; side "$tmp/prev.prisma" "$tmp/from.prisma"
  from=(--from-schema-datamodel "$tmp/from.prisma"); fi
stub="$PWD/scripts/prisma-engine-stub.sh"
PRISMA_QUERY_ENGINE_LIBRARY="$stub" PRISMA_SCHEMA_ENGINE_BINARY="$stub" PRISMA_HIDE_UPDATE_MESSAGE=1 \
  node node_modules/prisma6/build/index.js migrate diff --config scripts/prisma6-diff.config.ts \
  "${from[@]}" --to-schema-datamodel "$tmp/to.prisma" --script 2>/dev/null
