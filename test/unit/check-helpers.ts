import type { ExecutionContext } from "ava";
import type { Checker } from "./support";

/** Assert check rejects `inputs` with a failure on `property` whose reason reads "Kind.property: ...". */
export async function rejects(t: ExecutionContext, p: Checker, kind: string, inputs: Record<string, unknown>, property: string, reason?: RegExp): Promise<void> {
  const { failures } = await p.check({}, inputs);
  const f = failures.find((x) => x.property === property);
  if (!f) return t.fail(`${kind}: expected a failure on ${property} for ${JSON.stringify(inputs)}, got ${JSON.stringify(failures)}`);
  t.true(f.reason.startsWith(`${kind}.${property}: `), f.reason);
  if (reason) t.regex(f.reason, reason);
}

/** Assert check accepts `inputs` and return the checked inputs, without keys whose value is undefined (the provider treats them as absent). */
export async function accepts(t: ExecutionContext, p: Checker, inputs: Record<string, unknown>): Promise<Record<string, unknown>> {
  const r = await p.check({}, inputs);
  t.deepEqual(r.failures, [], JSON.stringify(inputs));
  return JSON.parse(JSON.stringify(r.inputs)) as Record<string, unknown>;
}
