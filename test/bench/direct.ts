/**
 * Mode 2, providers directly: the two-node tutorial network through the providers'
 * check + create (test/helpers/tutorial.ts buildNode: one resource after another on a
 * node, the two nodes in parallel), then destroyAll (reverse order). No engine: this is
 * the providers' own cost. Handshakes and execs come from the process-wide pool's
 * counters; each phase starts with no pooled connection, as a `pulumi` command does.
 */
import { pool } from "../../provider/ssh/pool";
import type { LabVmInfo } from "../../provider/lab";
import { buildNode } from "../helpers/tutorial";
import { destroyAll, type Made } from "../helpers/providers";
import { rawConnection, rootConnection } from "./lab";
import type { PhaseResult } from "./floor";

export interface DirectResult {
  up: PhaseResult;
  down: PhaseResult;
  resources: number;
}

function counters(vms: LabVmInfo[]): { handshakes: number; execs: number } {
  const st = vms.map((vm) => pool.stats(rootConnection(vm)));
  return { handshakes: st.reduce((a, s) => a + s.handshakes, 0), execs: st.reduce((a, s) => a + s.execs, 0) };
}

async function measured(vms: LabVmInfo[], f: () => Promise<void>): Promise<PhaseResult> {
  await pool.closeAll();
  const before = counters(vms);
  const t0 = performance.now();
  await f();
  const ms = performance.now() - t0;
  const after = counters(vms);
  await pool.closeAll();
  return { ms, handshakes: after.handshakes - before.handshakes, execs: after.execs - before.execs };
}

export async function directRun(vms: [LabVmInfo, LabVmInfo]): Promise<DirectResult> {
  const made: Made[][] = [[], []];
  let up: PhaseResult | undefined;
  let down: PhaseResult | undefined;
  let resources = 0;
  try {
    up = await measured(vms, async () => {
      const r = await Promise.allSettled(vms.map(async (vm, k) => (made[k] = await buildNode(vm, k, vms[1 - k], rawConnection(vm)))));
      const bad = r.find((x): x is PromiseRejectedResult => x.status === "rejected");
      if (bad) throw bad.reason; // buildNode removed its own node's objects; the other node's go below
    });
    resources = made[0].length + made[1].length;
    down = await measured(vms, async () => {
      await Promise.all(made.map((m) => destroyAll(m)));
    });
    made[0] = made[1] = [];
  } finally {
    // Whatever is still recorded (a failed build on the other node, a failed destroy): best effort.
    for (const m of made) for (const x of [...m].reverse()) await x.provider.delete(x.id, x.outs).catch(() => undefined);
    await pool.closeAll();
  }
  return { up: up!, down: down!, resources };
}
