import { describe, expect, it } from "vitest";
import { LoginThrottle } from "./throttle";

describe("LoginThrottle", () => {
  const make = () => {
    let now = 1_000_000;
    const throttle = new LoginThrottle({ windowMs: 60_000, maxFailuresPerAccount: 3, maxFailuresPerIp: 5, now: () => now });
    return { throttle, advance: (ms: number) => (now += ms) };
  };

  it("blocks an account after the limit until the oldest counted failure leaves the window", () => {
    const { throttle, advance } = make();
    throttle.recordFailure("a@x.io", "1.1.1.1");
    advance(10_000);
    throttle.recordFailure("a@x.io", "1.1.1.2");
    advance(10_000);
    expect(throttle.retryAfterMs("a@x.io", "1.1.1.3")).toBe(0);
    throttle.recordFailure("a@x.io", "1.1.1.3");
    expect(throttle.retryAfterMs("a@x.io", "9.9.9.9")).toBe(40_000);
    advance(40_000);
    expect(throttle.retryAfterMs("a@x.io", "9.9.9.9")).toBe(0);
  });

  it("blocks an address that sprays many accounts", () => {
    const { throttle } = make();
    for (let i = 0; i < 5; i++) throttle.recordFailure(`user${i}@x.io`, "6.6.6.6");
    expect(throttle.retryAfterMs("fresh@x.io", "6.6.6.6")).toBe(60_000);
    expect(throttle.retryAfterMs("fresh@x.io", "7.7.7.7")).toBe(0);
  });

  it("forgives the account, but not the address, after a success", () => {
    const { throttle } = make();
    for (let i = 0; i < 3; i++) throttle.recordFailure("a@x.io", "5.5.5.5");
    throttle.recordSuccess("a@x.io");
    expect(throttle.retryAfterMs("a@x.io", "4.4.4.4")).toBe(0);
    for (let i = 0; i < 2; i++) throttle.recordFailure("b@x.io", "5.5.5.5");
    expect(throttle.retryAfterMs("c@x.io", "5.5.5.5")).toBe(60_000);
  });
});
