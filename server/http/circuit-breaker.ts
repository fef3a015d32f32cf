/**
 * Circuit breaking for outside services (docs/security.md Reliability 6): Caddy's admin API and the Telegram Bot API.
 * After `failures` outage errors in a row the circuit opens: calls fail at once, without touching the network, for
 * `cooldownMs`; then one trial call goes through. Its success closes the circuit, its outage error opens it again.
 * An answer that is not an outage (a 4xx, a rate limit) proves the service is up and resets the count.
 *
 * Per process: each instance finds out on its own, which is all a breaker needs (nothing must agree across them).
 */
export interface CircuitBreakerDeps {
  failures: number;
  cooldownMs: number;
  now?: () => number;
}

export class CircuitBreaker {
  private consecutive = 0;
  private openUntil = 0;
  private trialRunning = false;

  constructor(private deps: CircuitBreakerDeps) {}

  private now() {
    return this.deps.now?.() ?? Date.now();
  }

  get state(): "closed" | "open" | "half-open" {
    if (this.consecutive < this.deps.failures) return "closed";
    return this.now() < this.openUntil || this.trialRunning ? "open" : "half-open";
  }

  /**
   * Runs `fn` unless the circuit is open; then `refused(retryInMs)` is thrown instead (the caller's own typed error,
   * so callers handle an open circuit like the outage it stands for).
   */
  async run<T>(fn: () => Promise<T>, isOutage: (err: unknown) => boolean, refused: (retryInMs: number) => Error): Promise<T> {
    let trial = false;
    if (this.consecutive >= this.deps.failures) {
      const wait = this.openUntil - this.now();
      if (wait > 0) throw refused(wait);
      if (this.trialRunning) throw refused(this.deps.cooldownMs);
      this.trialRunning = trial = true;
    }
    try {
      const result = await fn();
      this.consecutive = 0;
      return result;
    } catch (err) {
      if (isOutage(err)) {
        this.consecutive++;
        if (this.consecutive >= this.deps.failures) this.openUntil = this.now() + this.deps.cooldownMs;
      } else {
        this.consecutive = 0;
      }
      throw err;
    } finally {
      if (trial) this.trialRunning = false;
    }
  }
}
