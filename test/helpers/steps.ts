import type { ExecutionContext, TestFn } from "ava";

/**
 * Numbered serial steps that build on each other (an end-to-end story through the CLI).
 * A step runs only if its predecessor completed (set `completed = n` once a step's Pulumi
 * commands all succeeded); otherwise it fails at once, saying which step broke the chain,
 * instead of running on a broken state. Each step's time is kept for the log.
 */
export class Steps {
  /** The last step whose commands all succeeded. */
  completed = 0;
  /** "n. title" → ms. */
  readonly times: Record<string, number> = {};

  constructor(private readonly test: TestFn) {}

  /** Register step `n` (serial). Bound, so `const step = steps.step` works. */
  readonly step = (n: number, title: string, body: (t: ExecutionContext) => Promise<void>): void => {
    this.test.serial(`${n}. ${title}`, async (t) => {
      if (this.completed < n - 1) {
        t.fail(`step ${n - 1} did not complete, so this step cannot run`);
        return;
      }
      const started = Date.now();
      try {
        await body(t);
      } finally {
        this.times[`${n}. ${title}`] = Date.now() - started;
        t.log(`step ${n} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
      }
    });
  };

  /** The steps' times, one line each, for an after-hook's log. */
  report(): string {
    return "steps:\n" + Object.entries(this.times).map(([k, ms]) => `  ${(ms / 1000).toFixed(1).padStart(6)} s  ${k}`).join("\n");
  }
}
