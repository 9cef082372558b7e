/**
 * Process bookkeeping via /proc. A VM is identified by its own UTS
 * namespace: everything started inside it (sshd, login shells, daemons, even
 * `ip netns exec` children, which get a new mount and net namespace but keep
 * the UTS one) shares it, so teardown can find every process of the VM.
 */
import * as fs from "node:fs/promises";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** This boot's id: pids and namespace ids recorded under another boot mean nothing now. */
export async function bootId(): Promise<string> {
  return (await fs.readFile("/proc/sys/kernel/random/boot_id", "utf8")).trim();
}

/** True if pid exists and is not a zombie. */
export async function pidAlive(pid: number): Promise<boolean> {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, "utf8");
    // Field 3 (after the parenthesised comm, which may itself contain spaces) is the state.
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

/** The namespace identity of a process, e.g. "uts:[4026532281]"; null if gone. */
export async function nsId(pid: number | "self", kind: "uts" | "mnt" | "net"): Promise<string | null> {
  return fs.readlink(`/proc/${pid}/ns/${kind}`).catch(() => null);
}

/** All live pids whose UTS namespace is `uts`. */
export async function pidsInUts(uts: string): Promise<number[]> {
  const found: number[] = [];
  for (const ent of await fs.readdir("/proc")) {
    if (!/^\d+$/.test(ent)) continue;
    const pid = Number(ent);
    if ((await nsId(pid, "uts")) === uts && (await pidAlive(pid))) found.push(pid);
  }
  return found;
}

/** SIGTERM, then SIGKILL after graceMs, every pid in the list; waits until they are gone. */
export async function killAll(pids: number[], graceMs = 2000): Promise<void> {
  const signal = (sig: NodeJS.Signals) => {
    for (const pid of pids) {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  signal("SIGTERM");
  const deadline = Date.now() + graceMs;
  for (;;) {
    const alive = (await Promise.all(pids.map(pidAlive))).some(Boolean);
    if (!alive) return;
    if (Date.now() > deadline) break;
    await sleep(25);
  }
  signal("SIGKILL");
  for (let t = 0; t < 200; t++) {
    if (!(await Promise.all(pids.map(pidAlive))).some(Boolean)) return;
    await sleep(25);
  }
  throw new Error(`lab: processes did not exit after SIGKILL: ${pids.join(" ")}`);
}

/**
 * Kill every process of a VM: all sharing its UTS namespace, repeated until
 * none is left (a dying shell may have just forked). Refuses to act on the
 * root UTS namespace, so a bad record can never kill the host.
 */
export async function killUtsNamespace(uts: string): Promise<void> {
  const hostUts = [await nsId("self", "uts"), await nsId(1, "uts")];
  if (hostUts.includes(uts)) throw new Error(`lab: refusing to kill the host UTS namespace ${uts}`);
  for (let round = 0; round < 10; round++) {
    const pids = await pidsInUts(uts);
    if (pids.length === 0) return;
    await killAll(pids);
  }
  throw new Error(`lab: processes keep appearing in ${uts}`);
}
