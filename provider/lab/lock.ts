/**
 * A cross-process lock: an atomically created directory holding the owner's
 * pid. A lock whose owner is dead is taken over, so a crashed `up` never
 * wedges the lab. Not re-entrant: public functions lock, internals don't.
 */
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { LAB_ROOT } from "./names";
import { pidAlive } from "./procs";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function withLock<T>(key: string, fn: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  await fs.mkdir(LAB_ROOT, { recursive: true, mode: 0o755 });
  const dir = path.join(LAB_ROOT, `.${key}.lock`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fs.mkdir(dir);
      await fs.writeFile(path.join(dir, "pid"), String(process.pid));
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOENT") {
        // LAB_ROOT was removed by a concurrent `down` of the last lab: recreate and retry.
        await fs.mkdir(LAB_ROOT, { recursive: true, mode: 0o755 });
        continue;
      }
      if (code !== "EEXIST") throw e;
      const owner = Number(await fs.readFile(path.join(dir, "pid"), "utf8").catch(() => "NaN"));
      // No pid yet may just mean the owner is between mkdir and writeFile: only a dead owner is stale.
      const age = Date.now() - ((await fs.stat(dir).catch(() => null))?.mtimeMs ?? Date.now());
      if (Number.isInteger(owner) ? !(await pidAlive(owner)) : age > 10_000) {
        await fs.rm(dir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`lab: timed out waiting for lock ${dir} (held by pid ${owner})`);
      await sleep(50);
    }
  }
  try {
    return await fn();
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
