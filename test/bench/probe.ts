/**
 * Micro-measurements that explain the macro numbers: SSH handshake time, the round trip
 * of an empty command on an open connection (sequential and 8 at a time), and what the
 * tutorial's commands cost on the host once connected (the floor minus the transport).
 */
import { SshPool } from "../../provider/ssh/pool";
import type { LabVmInfo } from "../../provider/lab";
import { rootConnection } from "./lab";
import { floorDownScript, floorUpScript, type HostPlan } from "./topology";

export interface ProbeResult {
  handshakeMs: number[];
  /** `true` on an open connection, one after another. */
  emptyExecMs: number[];
  /** 32 `true`s, 8 in flight at a time: wall time per command. */
  parallelExecMsPerCmd: number;
  /** The floor's up/down scripts on an already open connection (one host). */
  floorUpScriptMs: number[];
  floorDownScriptMs: number[];
  /** The same up script with `ip -n NS` instead of `ip netns exec NS ip` (the providers' form). */
  floorUpScriptIpNMs: number[];
}

export async function probe(vm: LabVmInfo, onePlan: HostPlan, reps: number): Promise<ProbeResult> {
  const conn = rootConnection(vm);
  const r: ProbeResult = { handshakeMs: [], emptyExecMs: [], parallelExecMsPerCmd: NaN, floorUpScriptMs: [], floorDownScriptMs: [], floorUpScriptIpNMs: [] };
  for (let i = 0; i < Math.max(3, reps); i++) {
    const p = new SshPool();
    const t0 = performance.now();
    await p.run(conn, "true");
    const t1 = performance.now();
    await p.run(conn, "true");
    const t2 = performance.now();
    // first command = handshake + one round trip; subtract the second (a plain round trip)
    r.handshakeMs.push(t1 - t0 - (t2 - t1));
    await p.closeAll();
  }
  const pool = new SshPool();
  try {
    await pool.run(conn, "true");
    for (let i = 0; i < 30; i++) {
      const t = performance.now();
      await pool.run(conn, "true");
      r.emptyExecMs.push(performance.now() - t);
    }
    const t = performance.now();
    await Promise.all(Array.from({ length: 32 }, () => pool.run(conn, "true")));
    r.parallelExecMsPerCmd = (performance.now() - t) / 32;
    const viaIpN = (s: string) => s.replace(/ip netns exec (\S+) ip /g, "ip -n $1 ");
    for (let i = 0; i < reps; i++) {
      for (const [up, into] of [[floorUpScript(onePlan), r.floorUpScriptMs], [viaIpN(floorUpScript(onePlan)), r.floorUpScriptIpNMs]] as const) {
        let prev = "0";
        const t0 = performance.now();
        try {
          prev = (await pool.run(conn, up)).trim();
          into.push(performance.now() - t0);
        } finally {
          const t1 = performance.now();
          await pool.run(conn, floorDownScript(onePlan, prev));
          if (into === r.floorUpScriptMs) r.floorDownScriptMs.push(performance.now() - t1);
        }
      }
    }
  } finally {
    await pool.closeAll();
  }
  return r;
}
