/** Exponential backoff with full jitter (AWS Architecture Blog), for retrying what a batch left unprocessed. */
export interface Backoff {
  readonly baseMs: number;
  readonly capMs: number;
  readonly attempts: number;
  readonly sleep: (ms: number) => Promise<void>;
}

export const defaultBackoff: Backoff = {
  baseMs: 50,
  capMs: 5_000,
  attempts: 10,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export const jitteredDelay = (backoff: Backoff, attempt: number): number =>
  Math.random() * Math.min(backoff.capMs, backoff.baseMs * 2 ** attempt);
