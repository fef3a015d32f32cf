/**
 * A local EVM node for tests, `npm run chain` and demos: anvil from the @foundry-rs/anvil npm package, on loopback.
 *
 * anvil is a native binary, so it cannot preload tests/exit-with-parent.ts. It runs under a tiny `sh` watchdog
 * instead, in a process group of its own: the watchdog kills anvil once the Node process that started it is gone
 * (a crashed or SIGKILLed test run), and stop() signals the whole group.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Hex } from "viem";

export interface StartAnvilOptions {
  /** Default 0: anvil picks a free port (read back from its "Listening on" line). */
  port?: number;
  /** Seconds between blocks (interval mining); default: a block per transaction. */
  blockTime?: number;
  /** Dev accounts to fund (default anvil's 10); keys beyond ANVIL_PRIVATE_KEYS come from the same mnemonic. */
  accounts?: number;
}

export interface RunningAnvil {
  rpcUrl: string;
  port: number;
  /** What anvil printed so far (last 256 KiB), for error messages. */
  logs(): string;
  /** Settles when anvil has exited, for whatever reason (stop(), a crash, a signal from outside). */
  exited: Promise<void>;
  /** Stops anvil (SIGTERM to its group, SIGKILL after 3 s); safe to call twice. */
  stop(): Promise<void>;
}

/** Private keys of anvil's dev accounts #0..#9 (mnemonic "test test test test test test test test test test test junk"). Public knowledge: never use them on a real network. */
export const ANVIL_PRIVATE_KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
  "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
  "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
  "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
  "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
  "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
] as const satisfies readonly Hex[];

export const ANVIL_MNEMONIC = "test test test test test test test test test test test junk";
export const ANVIL_CHAIN_ID = 31337;

const NODE_MODULES = fileURLToPath(new URL("../../node_modules/", import.meta.url));
/**
 * node_modules/.bin/anvil is a Node shim that spawns the platform package's native binary; run that binary directly
 * when it is there (one process instead of two, signals reach anvil itself), else the shim.
 */
function anvilBinary(): string {
  const arch = { x64: "amd64", arm64: "arm64" }[process.arch as string];
  const native = path.join(NODE_MODULES, `@foundry-rs/anvil-${process.platform}-${arch}/bin/anvil`);
  return arch && existsSync(native) ? native : path.join(NODE_MODULES, ".bin/anvil");
}
const LOG_LIMIT = 256 * 1024;
const START_TIMEOUT_MS = 15_000;

// $1 = the parent's pid, the rest = the anvil command line. Polls once a second; anvil's exit also ends the loop.
const WATCHDOG = `parent=$1; shift
"$@" &
child=$!
while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1; done
kill "$child" 2>/dev/null
wait "$child"`;

export async function startAnvil({ port = 0, blockTime, accounts }: StartAnvilOptions = {}): Promise<RunningAnvil> {
  const args = ["--host", "127.0.0.1", "--port", String(port)];
  if (blockTime !== undefined) args.push("--block-time", String(blockTime));
  if (accounts !== undefined) args.push("--accounts", String(accounts));

  const child = spawn("sh", ["-c", WATCHDOG, "sh", String(process.pid), anvilBinary(), ...args], {
    cwd: NODE_MODULES,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  // Keep reading: anvil logs every RPC call, and a full pipe would block it.
  let log = "";
  const append = (chunk: Buffer) => {
    log = (log + chunk.toString("utf8")).slice(-LOG_LIMIT);
  };
  child.stdout.on("data", append);
  child.stderr.on("data", append);
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode !== null || child.signalCode !== null) return closed;
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        return closed; // the group is already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          // gone in the meantime
        }
      }, 3000);
      await closed;
      clearTimeout(timer);
    })();
    return stopping;
  };

  const listeningPort = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`anvil did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const onData = () => {
      const m = /Listening on 127\.0\.0\.1:(\d+)/.exec(log);
      if (m) done(() => resolve(Number(m[1])));
    };
    const onExit = () => fail(new Error("anvil exited before listening"));
    const onError = (err: Error) => fail(err);
    function done(then: () => void) {
      clearTimeout(timer);
      child.stdout.off("data", onData);
      child.off("exit", onExit);
      child.off("error", onError);
      then();
    }
    function fail(err: Error) {
      done(() => void stop().then(() => reject(new Error(`${err.message}\n${log.slice(-4000)}`))));
    }
    child.stdout.on("data", onData);
    child.once("exit", onExit);
    child.once("error", onError);
  });

  return { rpcUrl: `http://127.0.0.1:${listeningPort}`, port: listeningPort, logs: () => log, exited: closed, stop };
}
