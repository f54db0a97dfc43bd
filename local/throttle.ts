/**
 * API Gateway's stage throttling, locally: one token bucket for the whole
 * API that holds `burstLimit` tokens and refills at `rateLimit` per second.
 * A request takes a token; with none left it gets API Gateway's 429.
 */
import type { ThrottleSettings } from '../functions/core/resources.ts';

export type Throttle = () => boolean;

/** Returns a check that answers true when a request may pass. `now` is in milliseconds. */
export const tokenBucket = (
  { rateLimit, burstLimit }: ThrottleSettings,
  now: () => number = () => performance.now(),
): Throttle => {
  let tokens = burstLimit;
  let last = now();
  return () => {
    const at = now();
    tokens = Math.min(burstLimit, tokens + ((at - last) / 1000) * rateLimit);
    last = at;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
};
