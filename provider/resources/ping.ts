import { z } from "zod";
import { defineResource, run, type InputsOf, type WithConnection } from "../resource";
import { inNetns } from "../ip/command";
import { sectionsOf, statusLine } from "../ssh/script";
import { ipAddress, netnsName } from "../validate/net";
import type { Reported } from "./reportedShape";

/** A probe's inputs after check: the one source of PingInputs (and of what PingArgs may hold). */
export const pingSchema = z.object({
  target: ipAddress,
  namespace: netnsName.optional(),
  count: z.number().int().min(1).max(20, "count must be 1-20").default(3),
  /** Any value: a change re-runs the probe (e.g. the addresses it depends on). */
  triggers: z.unknown().optional(),
});

export type PingInputs = InputsOf<typeof pingSchema>;

export type PingOutputs = Reported["Ping"];

/**
 * `[ip netns exec NS] ping -c N -W 1 TARGET`: a connectivity probe whose result is an output.
 * Deliberate exceptions to the other resources' behaviour, because it makes no kernel object:
 * - `read` (refresh) sends pings again: a probe's live state is whether the target answers now;
 * - a probe that last found the target unreachable is replaced at the next `up` (through the
 *   `reachable` output), so it runs again instead of keeping a stale failure;
 * - no ownership mark, `adopt` or record: there is nothing on the host to own.
 */
export const pingProvider = defineResource({
  kind: "Ping",
  schema: pingSchema,
  replaceOn: ["target", "namespace", "count", "triggers"],
  // A probe that last found the target unreachable (e.g. at a refresh during an outage) runs again at the next up.
  replacesOf: (o) => ((o as PingInputs & Partial<PingOutputs>).reachable === false ? ["reachable"] : []),
  idOf: (i) => `ping/${i.namespace ?? ""}/${i.target}`,
  namesOf: () => [],
  create: (c, i) => probe(c, i),
  read: async (c, state) => ({ ...(await probe(c, state)) }),
  update: (c, _o, n) => probe(c, n),
  delete: async () => undefined,
});

async function probe(c: WithConnection["connection"], i: PingInputs): Promise<PingOutputs> {
  const [out] = sectionsOf(await run(c, statusLine(inNetns(i.namespace, ["ping", "-n", "-q", "-c", String(i.count), "-i", "0.2", "-W", "1", i.target]))));
  const reachable = /\nrc=0\s*$/.test("\n" + out);
  const summary = out.split("\n").filter((l) => /packets transmitted|rtt|ms$/.test(l)).join("; ").trim();
  return { reachable, summary };
}
