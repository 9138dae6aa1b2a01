// A console.error during a test is a bug the test did not expect: fail loudly.
import { afterEach, vi } from "vitest";

let spy: ReturnType<typeof vi.spyOn> | undefined;

afterEach(() => {
  if (spy && spy.mock.calls.length > 0) {
    const calls = spy.mock.calls.map((c) => c.map(String).join(" ")).join("\n");
    spy.mockRestore();
    spy = undefined;
    throw new Error(`console.error was called:\n${calls}`);
  }
});

spy = vi.spyOn(console, "error");
