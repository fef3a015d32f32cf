#!/usr/bin/env bash
# npm run demo — install, migrate, apply the demo manifests and serve the demo shops. No configuration needed:
# without DATABASE_URL it uses embedded PGlite under .data/; it needs a Redis (REDIS_URL, default local).
set -euo pipefail
cd "$(dirname "$0")/.."
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export PORT="${PORT:-3000}" PLATFORM_DOMAIN="${PLATFORM_DOMAIN:-localhost}"

if ! node -e '
  const u = new URL(process.env.REDIS_URL);
  const s = require("net").connect(+(u.port || 6379), u.hostname);
  s.setTimeout(1500, () => process.exit(1)); s.on("connect", () => process.exit(0)); s.on("error", () => process.exit(1));'; then
  echo "Redis is not reachable at $REDIS_URL." >&2
  echo "Start one, e.g.: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no" >&2
  echo "(Debian/Ubuntu: apt-get install redis-server), or set REDIS_URL." >&2
  exit 1
fi

[ -d node_modules/@remix-run/dev ] || npm install --no-audit --no-fund
npm run -s db:generate >/dev/null
npm run -s build

mkdir -p .data
if [ -z "${SECRET_BOX_KEY:-}" ]; then
  [ -f .data/secret-box.key ] || { node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("hex"))' > .data/secret-box.key; echo "Created a local demo SECRET_BOX_KEY in .data/secret-box.key (never use it in production)."; }
  export SECRET_BOX_KEY="$(cat .data/secret-box.key)"
fi
[ -n "${DATABASE_URL:-}" ] || echo "DATABASE_URL is unset: using embedded PGlite in .data/pglite"

npm run -s db:migrate
npm run -s tenants:apply -- tenants/demo/*.json
# A demo operator for the console. Demo only: production operators are created with their own password.
npm run -s ops:create-admin -- --email ops@demo.test --password demo-operator-password

cat <<MSG

Demo shops (open in a browser; *.localhost resolves to this machine):
  http://acme.${PLATFORM_DOMAIN}:${PORT}/     Acme Outfitters
  http://nova.${PLATFORM_DOMAIN}:${PORT}/     Nova Digital
  http://bloom.${PLATFORM_DOMAIN}:${PORT}/    Bloom & Co
  Custom domain: curl -H 'Host: shop.acme.test' http://127.0.0.1:${PORT}/
  Platform:      http://${PLATFORM_DOMAIN}:${PORT}/          (sign up to open a shop)
  Operator:      http://${PLATFORM_DOMAIN}:${PORT}/ops       ops@demo.test / demo-operator-password
  API docs:      http://${PLATFORM_DOMAIN}:${PORT}/docs/api

MSG
exec node --import tsx server/index.ts
