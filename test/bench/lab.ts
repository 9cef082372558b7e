/**
 * The benchmark's own lab ("bench", index 30) and host-side SSH counters read from each
 * lab VM's sshd log. The lab sshd logs at VERBOSE: one "Accepted publickey" line per SSH
 * connection and one "Starting session: command" line per command (exec channel), so the
 * counts hold for any client: our pool, the engine's provider process, OpenSSH.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { labDown, labUp, type Lab, type LabVmInfo } from "../../provider/lab";
import { connectionSchema, type ResolvedConnection } from "../../provider/ssh/connection";

export const BENCH_LAB = { name: "bench", index: 30 } as const;

/** (Re)create the bench lab with exactly `nodes` VMs; a lab left over by a crashed run is removed first. */
export async function benchLabUp(nodes: number): Promise<Lab> {
  await labDown(BENCH_LAB.name).catch(() => undefined);
  return labUp({ ...BENCH_LAB, nodes });
}

export async function benchLabDown(): Promise<void> {
  await labDown(BENCH_LAB.name);
}

/** Root connection with the host key pinned, as the providers take it. */
export function rootConnection(vm: LabVmInfo): ResolvedConnection {
  return connectionSchema.parse({ host: vm.host, user: "root", privateKey: vm.privateKey, hostKey: vm.hostPublicKey });
}

/** The same as raw (unresolved) inputs, as a Pulumi program would pass them. */
export function rawConnection(vm: LabVmInfo): Record<string, unknown> {
  return { host: vm.host, user: "root", privateKey: vm.privateKey, hostKey: vm.hostPublicKey };
}

export interface SshCount {
  /** SSH connections authenticated ("Accepted publickey"). */
  handshakes: number;
  /** Command channels started ("Starting session: command"): one per round trip. */
  sessions: number;
  perVm: Array<{ vm: number; handshakes: number; sessions: number }>;
}

/** A position in every VM's sshd log. */
export type LogMark = Map<number, number>;

export class SshdCounter {
  constructor(private readonly lab: Lab) {}

  private logOf(vm: number): string {
    return path.join(this.lab.stateDir, `vm${vm}`, "sshd.log");
  }

  mark(): LogMark {
    const m: LogMark = new Map();
    for (const vm of this.lab.vms) m.set(vm.vm, fs.statSync(this.logOf(vm.vm)).size);
    return m;
  }

  /** What the logs say happened since `mark` (complete lines only). */
  since(mark: LogMark): SshCount {
    const perVm: SshCount["perVm"] = [];
    for (const vm of this.lab.vms) {
      const text = readFrom(this.logOf(vm.vm), mark.get(vm.vm) ?? 0);
      const lines = text.slice(0, text.lastIndexOf("\n") + 1).split("\n");
      perVm.push({
        vm: vm.vm,
        handshakes: lines.filter((l) => l.startsWith("Accepted publickey for ")).length,
        sessions: lines.filter((l) => l.startsWith("Starting session: command ")).length,
      });
    }
    return {
      handshakes: perVm.reduce((a, v) => a + v.handshakes, 0),
      sessions: perVm.reduce((a, v) => a + v.sessions, 0),
      perVm,
    };
  }

  /** Does this sshd log one line per command? (LogLevel VERBOSE; at INFO it logs connections only.) */
  logsSessions(): boolean {
    const cfg = fs.readFileSync(path.join(this.lab.stateDir, `vm${this.lab.vms[0].vm}`, "sshd_config"), "utf8");
    return /^LogLevel\s+(VERBOSE|DEBUG\d?)\s*$/m.test(cfg);
  }
}

function readFrom(file: string, offset: number): string {
  const fd = fs.openSync(file, "r");
  try {
    const size = fs.fstatSync(fd).size;
    if (size <= offset) return "";
    const buf = Buffer.alloc(size - offset);
    fs.readSync(fd, buf, 0, buf.length, offset);
    return buf.toString("utf8");
  } finally {
    fs.closeSync(fd);
  }
}
