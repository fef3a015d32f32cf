#!/usr/bin/env bash
# npm run db:generate — generate the Prisma client, unless the one in node_modules was already generated from this
# exact schema and Prisma version. Skipping matters when several checkouts share one node_modules (the quickstart
# test borrows this checkout's): regenerating underneath running tests makes `.prisma/client` vanish for a moment.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp_file=node_modules/.prisma/client/.schema-stamp
stamp="$(cat prisma/schema.prisma node_modules/prisma/package.json | sha256sum | cut -d' ' -f1)"
if [[ -f node_modules/.prisma/client/default.js && -f "$stamp_file" && "$(cat "$stamp_file")" == "$stamp" ]]; then
  echo "Prisma client is up to date."
  exit 0
fi
PRISMA_SCHEMA_ENGINE_BINARY=./scripts/prisma-engine-stub.sh npx prisma generate
echo "$stamp" > "$stamp_file"
