/**
 * Compiles contracts/*.sol and contracts/mocks/*.sol with the solc npm package (pinned 0.8.37, no compiler download)
 * into contracts/artifacts/<Name>.json. `loadArtifact` recompiles on its own when an artifact is missing or the
 * sources changed, so a fresh clone needs no build step before tests or scripts.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import solc from "solc";
import type { Abi, Hex } from "viem";

export interface Artifact {
  abi: Abi;
  bytecode: Hex;
  /** Hash of everything the bytecode depends on: our sources, the compiler version and settings, OpenZeppelin's version. */
  sourceHash: string;
}

export interface CompileResult {
  artifacts: Record<string, Artifact>;
  /** solc's warnings, formatted; compile errors throw instead. */
  warnings: string[];
}

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CONTRACTS_DIR = path.join(ROOT, "contracts");
export const ARTIFACTS_DIR = path.join(CONTRACTS_DIR, "artifacts");
const SOURCE_DIRS = ["contracts", "contracts/mocks"];
const NODE_MODULES = path.join(ROOT, "node_modules");

// cancun: PUSH0/MCOPY/transient storage, supported by anvil and by mainnet and the common L2s we may deploy to.
const SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: "cancun",
  outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
} as const;

interface SolcOutput {
  errors?: { severity: "error" | "warning" | "info"; formattedMessage: string }[];
  contracts?: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
}

async function readSources(): Promise<Record<string, string>> {
  const sources: Record<string, string> = {};
  for (const dir of SOURCE_DIRS) {
    const names = (await readdir(path.join(ROOT, dir))).filter((n) => n.endsWith(".sol")).sort();
    for (const name of names) sources[`${dir}/${name}`] = await readFile(path.join(ROOT, dir, name), "utf8");
  }
  return sources;
}

function hashSources(sources: Record<string, string>): string {
  const require = createRequire(import.meta.url);
  const oz = (require("@openzeppelin/contracts/package.json") as { version: string }).version;
  const h = createHash("sha256");
  h.update(JSON.stringify({ solc: solc.version(), settings: SETTINGS, oz }));
  for (const [file, text] of Object.entries(sources).sort(([a], [b]) => a.localeCompare(b))) {
    h.update(`\0${file}\0${text}`);
  }
  return h.digest("hex");
}

/** Resolves `@openzeppelin/...` (any package import) from node_modules; our own files are all passed as sources. */
function findImport(importPath: string): { contents: string } | { error: string } {
  const file = path.join(NODE_MODULES, importPath);
  if (!file.startsWith(NODE_MODULES + path.sep) || !existsSync(file)) return { error: `not found: ${importPath}` };
  return { contents: readFileSync(file, "utf8") };
}

/** Compiles every contract and writes its artifact (atomically: concurrent test processes may compile at once). */
export async function compileContracts(): Promise<CompileResult> {
  const sources = await readSources();
  const sourceHash = hashSources(sources);
  const input = {
    language: "Solidity",
    sources: Object.fromEntries(Object.entries(sources).map(([file, content]) => [file, { content }])),
    settings: SETTINGS,
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport })) as SolcOutput;
  const problems = output.errors ?? [];
  const errors = problems.filter((e) => e.severity === "error");
  if (errors.length) throw new Error(`solc failed:\n${errors.map((e) => e.formattedMessage).join("\n")}`);

  const artifacts: Record<string, Artifact> = {};
  for (const file of Object.keys(sources)) {
    for (const [name, out] of Object.entries(output.contracts?.[file] ?? {})) {
      if (!out.evm.bytecode.object) continue; // interfaces and abstract contracts
      artifacts[name] = { abi: out.abi, bytecode: `0x${out.evm.bytecode.object}`, sourceHash };
    }
  }
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  for (const [name, artifact] of Object.entries(artifacts)) {
    const target = path.join(ARTIFACTS_DIR, `${name}.json`);
    const tmp = `${target}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(artifact, null, 2) + "\n");
    await rename(tmp, target);
  }
  return { artifacts, warnings: problems.filter((e) => e.severity === "warning").map((e) => e.formattedMessage) };
}

const loaded = new Map<string, Artifact>();

/** The compiled artifact of contract `name` (e.g. "StorefrontEscrow"), compiling first when missing or stale. */
export async function loadArtifact(name: string): Promise<Artifact> {
  const cached = loaded.get(name);
  if (cached) return cached;
  const sourceHash = hashSources(await readSources());
  let artifact: Artifact | undefined;
  try {
    artifact = JSON.parse(await readFile(path.join(ARTIFACTS_DIR, `${name}.json`), "utf8")) as Artifact;
  } catch {
    artifact = undefined;
  }
  if (artifact?.sourceHash !== sourceHash) {
    const { artifacts } = await compileContracts();
    artifact = artifacts[name];
    if (!artifact) throw new Error(`no contract named ${name} in ${path.relative(ROOT, CONTRACTS_DIR)}/`);
  }
  loaded.set(name, artifact);
  return artifact;
}
