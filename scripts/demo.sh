#!/usr/bin/env bash
# npm run demo — install, migrate, apply the demo manifests and serve the demo shops. No configuration needed:
# without DATABASE_URL it uses embedded PGlite under .data/; it needs a Redis (REDIS_URL, default local).
set -euo pipefail
cd "$(dirname "$0")/.."
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export PORT="${PORT:-3000}" PLATFORM_DOMAIN="${PLATFORM_DOMAIN:-localhost}"
# The demo shops take payments through the sandbox rails (pretend money; refused in production).
export PAYMENTS_SANDBOX="${PAYMENTS_SANDBOX:-true}"

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

# `npm run edge` running? Then the app manages its routes and probes TLS through it (custom domains over HTTPS).
if [ -z "${CADDY_ADMIN_URL:-}" ] && [ -f .data/caddy/caddy.json ] && node -e '
  fetch("http://127.0.0.1:2019/config/", { signal: AbortSignal.timeout(1000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1));'; then
  export CADDY_ADMIN_URL=http://127.0.0.1:2019 EDGE_BASE_CONFIG=.data/caddy/caddy.json TRUSTED_PROXIES="${TRUSTED_PROXIES:-127.0.0.1}"
  export EDGE_PROBE_ADDRESS="127.0.0.1:${EDGE_HTTPS_PORT:-8443}" EDGE_PROBE_CA_FILE=.data/caddy/storage/pki/authorities/local/root.crt
  echo "Local edge found (npm run edge): routes are reconciled into it."
fi

# `npm run chain` running? Then escrow and direct payments of the USDC shop (Nova) go through its local escrow contract.
if [ -z "${CHAIN_RPC_URL:-}" ] && [ -f .data/chain.json ]; then
  eval "$(node -e '
    const c = JSON.parse(require("fs").readFileSync(".data/chain.json", "utf8"));
    fetch(c.rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }), signal: AbortSignal.timeout(1000) })
      .then((r) => r.ok ? r.json() : Promise.reject())
      .then(() => {
        const q = (v) => JSON.stringify(String(v));
        console.log(`export CHAIN_RPC_URL=${q(c.rpcUrl)} CHAIN_PUBLIC_RPC_URL=${q(c.rpcUrl)} CHAIN_ID=${q(c.chainId)} ESCROW_CONTRACT=${q(c.escrow)} ESCROW_TOKEN=${q(c.token)}`);
        console.log(`export ESCROW_DEPLOY_BLOCK=${q(c.deployBlock)} ARBITER_PRIVATE_KEY=${q(c.arbiterPrivateKey)}`);
        console.log(`export CHAIN_CONFIRMATIONS=${q(process.env.CHAIN_CONFIRMATIONS || 2)} CHAIN_POLL_MS=${q(process.env.CHAIN_POLL_MS || 1000)}`);
        console.log(`echo "Local chain found (npm run chain): Nova takes USDC through the escrow contract at ${c.escrow}."`);
      }, () => {});
  ')"
fi

npm run -s db:migrate
npm run -s tenants:apply -- tenants/demo/*.json
# A demo operator for the console. Demo only: production operators are created with their own password.
npm run -s ops:create-admin -- --email ops@demo.test --password demo-operator-password

cat <<MSG

Demo shops (open in a browser; *.localhost resolves to this machine):
  http://acme.${PLATFORM_DOMAIN}:${PORT}/     Acme Outfitters
  http://nova.${PLATFORM_DOMAIN}:${PORT}/     Nova Digital
  http://bloom.${PLATFORM_DOMAIN}:${PORT}/    Bloom & Co
  Custom domain: curl -i -H 'Host: shop.acme.test' http://127.0.0.1:${PORT}/   (301 to the primary host)
  HTTPS edge:    npm run edge   (in another terminal: a local Caddy serving custom domains over HTTPS)
  Platform:      http://${PLATFORM_DOMAIN}:${PORT}/          (sign up to open a shop)
  Operator:      http://${PLATFORM_DOMAIN}:${PORT}/ops       ops@demo.test / demo-operator-password
  Payments:      sandbox rails (PAYMENTS_SANDBOX=true): check out in a shop, then "Pay with sandbox" on the order page
  On chain:      npm run chain   (in another terminal, before the demo: Nova's escrow then runs on a local anvil;
                 import the printed buyer key into a browser wallet and use "Pay with wallet" on the order page)
  API docs:      http://${PLATFORM_DOMAIN}:${PORT}/docs/api

MSG
exec node --import tsx server/index.ts
