export {
  QUEUE, DEAD_LETTER_QUEUE, MONEY_QUEUE, jobCatalog, queueOf, createQueue, enqueueJob, type JobName, type JobData,
} from "./catalog.ts";
export {
  startWorker, backoffDelay, RetryAfterError, UnrecoverableError, DelayedError, DEFAULT_TUNING,
  type JobHandlers, type JobUpgrades, type JobTuning,
} from "./worker.ts";
export { createJobHandlers, legacyJobUpgrades } from "./handlers.ts";
export { registerSchedules } from "./schedules.ts";
export { DeferredEnqueues } from "./deferred.ts";
export { armFailpoints, failpoint } from "./failpoints.ts";
