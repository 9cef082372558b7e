/**
 * Mode 1, the floor: the tutorial's commands as ONE script over ONE SSH connection per
 * host (hosts in parallel), through a fresh SshPool (ssh2, the same transport as the
 * providers, so the comparison is about what is sent, not about the SSH client).
 * Each phase (up, cleanup) opens its own connection, as each `pulumi` command does.
 */
import { SshPool } from "../../provider/ssh/pool";
import { rootConnection } from "./lab";
import { floorDownScript, floorUpScript, type HostPlan } from "./topology";

export interface PhaseResult {
  ms: number;
  /** Per the client: connections opened and commands run. */
  handshakes: number;
  execs: number;
}

export interface FloorResult {
  up: PhaseResult;
  down: PhaseResult;
}

async function phase(plans: HostPlan[], scriptOf: (p: HostPlan) => string): Promise<{ r: PhaseResult; outs: string[] }> {
  const pool = new SshPool();
  const t0 = performance.now();
  try {
    const outs = await Promise.all(plans.map((p) => pool.run(rootConnection(p.vm), scriptOf(p))));
    const ms = performance.now() - t0;
    const st = plans.map((p) => pool.stats(rootConnection(p.vm)));
    return { r: { ms, handshakes: st.reduce((a, s) => a + s.handshakes, 0), execs: st.reduce((a, s) => a + s.execs, 0) }, outs };
  } finally {
    await pool.closeAll();
  }
}

/** Build then tear down; the teardown runs even if the build failed half-way. */
export async function floorRun(plans: HostPlan[]): Promise<FloorResult> {
  let prev: string[] = plans.map(() => "0");
  let up: PhaseResult | undefined;
  let failure: unknown;
  try {
    const u = await phase(plans, floorUpScript);
    up = u.r;
    prev = u.outs.map((o) => o.trim());
  } catch (e) {
    failure = e;
  }
  const down = await phase(plans, (p) => floorDownScript(p, prev[p.k]));
  if (failure || !up) throw failure ?? new Error("floor: build failed");
  return { up, down: down.r };
}
