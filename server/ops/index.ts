export { GATES, runPreflight, preflightEnv, formatPreflight, type PreflightReport } from "./preflight.ts";
export { runGates, pass, fail, type Gate, type GateResult, type GateOutcome, type PreflightInput, type PreflightQuery } from "./gate.ts";
export { estimatedBits } from "./gates/secrets.ts";
