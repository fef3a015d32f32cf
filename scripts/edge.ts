/**
 * `npm run edge`: a local Caddy (Debian's `caddy`) in front of the demo, with Caddy's internal CA on loopback ports, so
 * verified custom domains are served over HTTPS on this machine. State lives in .data/caddy (git-ignored). The demo
 * (`npm run demo`) finds it running and points the app at it; see README "Custom domains and the edge".
 *
 * Env: PORT (the app, default 3000), EDGE_HTTP_PORT (8080), EDGE_HTTPS_PORT (8443), CADDY_ADMIN_URL
 * (http://127.0.0.1:2019), CADDY_BIN (caddy).
 */
import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { readBaseConfig, renderCaddyConfig } from "#server/edge/base-config.ts";

const root = path.resolve(".data/caddy");
const appPort = Number(process.env.PORT ?? 3000);
const admin = new URL(process.env.CADDY_ADMIN_URL ?? "http://127.0.0.1:2019");
if (!["127.0.0.1", "localhost", "[::1]"].includes(admin.hostname)) {
  console.error("CADDY_ADMIN_URL must be on loopback: Caddy's admin API has no authentication.");
  process.exit(2);
}
const ports = {
  adminPort: Number(admin.port || 2019),
  httpPort: Number(process.env.EDGE_HTTP_PORT ?? 8080),
  httpsPort: Number(process.env.EDGE_HTTPS_PORT ?? 8443),
};
const storageDir = path.join(root, "storage");
const configFile = path.join(root, "caddy.json");
await mkdir(storageDir, { recursive: true });
const cfg = renderCaddyConfig(await readBaseConfig(), {
  ...ports, upstream: `127.0.0.1:${appPort}`, askUrl: `http://127.0.0.1:${appPort}/internal/edge/ask`, storageDir,
});
await writeFile(configFile, JSON.stringify(cfg, null, 2));

console.log(`Local edge: HTTPS on 127.0.0.1:${ports.httpsPort}, HTTP on 127.0.0.1:${ports.httpPort}, admin API ${admin.origin}.
The demo app uses it when started after this (npm run demo), or set:
  CADDY_ADMIN_URL=${admin.origin} EDGE_BASE_CONFIG=${path.relative(process.cwd(), configFile)} TRUSTED_PROXIES=127.0.0.1 \\
  EDGE_PROBE_ADDRESS=127.0.0.1:${ports.httpsPort} EDGE_PROBE_CA_FILE=${path.relative(process.cwd(), path.join(storageDir, "pki/authorities/local/root.crt"))}
Try a shop through it: curl -k --resolve acme.localhost:${ports.httpsPort}:127.0.0.1 https://acme.localhost:${ports.httpsPort}/
`);
const child = spawn(process.env.CADDY_BIN ?? "caddy", ["run", "--config", configFile], {
  stdio: "inherit",
  env: { ...process.env, XDG_CONFIG_HOME: path.join(root, "config"), XDG_DATA_HOME: path.join(root, "data") },
});
child.on("error", (err) => {
  console.error(`could not start caddy (${err.message}); install it: apt-get install -y caddy`);
  process.exit(1);
});
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
