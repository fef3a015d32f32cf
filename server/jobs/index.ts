export * from "./worker.ts";
export * from "./domain-jobs.ts";
