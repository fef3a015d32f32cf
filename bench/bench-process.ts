/**
 * Preload (`--import`) for the app processes the bench starts: marks the process as the bench's own, the only place
 * BENCH_BARE_PAGE (the bare baseline page) is accepted in production mode. A deployment never loads this file.
 */
import { BENCH_PROCESS_MARK } from "#server/env.ts";

(globalThis as Record<string, unknown>)[BENCH_PROCESS_MARK] = true;
