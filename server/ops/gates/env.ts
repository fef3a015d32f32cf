/** The environment gates: production settings complete, and nothing that simulates money or the outside world. */
import { fail, pass, withEnv, type Gate } from "../gate.ts";

export const productionEnvGate: Gate = {
  id: "production-env",
  title: "Production environment complete",
  async check({ env, envProblems }) {
    if (envProblems.length) return fail(`The production rules refuse the environment: ${envProblems.join("; ")}.`);
    if (env?.NODE_ENV !== "production") return fail(`NODE_ENV is ${env?.NODE_ENV ?? "unset"}, not production, so the production rules were not applied.`);
    return pass("NODE_ENV is production and every setting production requires is present and valid.");
  },
};

/** Chains whose tokens are not money: local nodes and public testnets. */
const TEST_CHAINS: Record<number, string> = { 31337: "a local node", 1337: "a local node", 11155111: "Sepolia", 84532: "Base Sepolia", 421614: "Arbitrum Sepolia", 80002: "Polygon Amoy" };

export const noSandboxGate: Gate = {
  id: "no-sandbox",
  title: "No sandbox",
  check: withEnv(async (env) => {
    const problems: string[] = [];
    if (env.PAYMENTS_SANDBOX) problems.push("PAYMENTS_SANDBOX is on (simulated payments)");
    if (env.MONEY_FAILPOINTS) problems.push("MONEY_FAILPOINTS is set (test crash points)");
    if (env.BENCH_BARE_PAGE) problems.push("BENCH_BARE_PAGE is on");
    if (env.NODE_ENV === "test") problems.push("NODE_ENV is test");
    if (!env.STRIPE_API_BASE.startsWith("https://")) problems.push(`STRIPE_API_BASE is ${env.STRIPE_API_BASE}, not https (a fake Stripe)`);
    if (!env.TELEGRAM_API_ROOT.startsWith("https://")) problems.push(`TELEGRAM_API_ROOT is ${env.TELEGRAM_API_ROOT}, not https (a fake Bot API)`);
    if (env.CHAIN_ID !== undefined && TEST_CHAINS[env.CHAIN_ID]) problems.push(`CHAIN_ID ${env.CHAIN_ID} is ${TEST_CHAINS[env.CHAIN_ID]}, not a chain with real money`);
    return problems.length ? fail(`${problems.join("; ")}.`) : pass("No sandbox payments, test crash points, fake Stripe or Bot API, or test chain is configured.");
  }),
};
