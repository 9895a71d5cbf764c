/**
 * Token bucket per key: `ratePerSecond` tokens refill continuously up to `burst`.
 * Per process: with N instances a user could reach N× the rate (README, Limits).
 */
export interface RateLimiter {
  take(key: string, now?: number): boolean;
}

export function createRateLimiter(options: { ratePerSecond: number; burst: number; maxKeys?: number }): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const maxKeys = options.maxKeys ?? 100_000;
  return {
    take(key, now = Date.now()) {
      const bucket = buckets.get(key) ?? { tokens: options.burst, at: now };
      bucket.tokens = Math.min(options.burst, bucket.tokens + ((now - bucket.at) / 1000) * options.ratePerSecond);
      bucket.at = now;
      if (buckets.size >= maxKeys && !buckets.has(key)) {
        // Full buckets carry no information; dropping the oldest keeps memory bounded.
        buckets.delete(buckets.keys().next().value!);
      }
      buckets.set(key, bucket);
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
  };
}

export const SEND_RATE = { ratePerSecond: 10, burst: 20 } as const;
/**
 * Any mutation, per user: far above what a person (or the e2e suite) does, typing indicators
 * and read marks included, yet it stops one session from flooding the server.
 */
export const MUTATION_RATE = { ratePerSecond: 30, burst: 60 } as const;
