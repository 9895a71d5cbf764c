import { describe, expect, it } from "vitest";
import { createRateLimiter } from "./rate-limit";

describe("rate limiter", () => {
  it("allows a burst of 20, then refuses until tokens refill at 10 per second", () => {
    const limiter = createRateLimiter({ ratePerSecond: 10, burst: 20 });
    const t0 = 1_000_000;
    const burst = Array.from({ length: 25 }, () => limiter.take("u", t0));
    expect(burst.filter(Boolean)).toHaveLength(20);
    expect(limiter.take("u", t0 + 50)).toBe(false);
    expect(limiter.take("u", t0 + 100)).toBe(true);
    expect(limiter.take("u", t0 + 100)).toBe(false);
  });

  it("keeps users apart", () => {
    const limiter = createRateLimiter({ ratePerSecond: 10, burst: 1 });
    expect(limiter.take("a", 0)).toBe(true);
    expect(limiter.take("a", 0)).toBe(false);
    expect(limiter.take("b", 0)).toBe(true);
  });
});
