import { vmExec, type LabVmInfo } from "../../provider/lab";
import { RECORD_DIR } from "../../provider/state/record";

/**
 * Everything our resources can change on a host, in a comparable form: links,
 * addresses and routes of the host and of every named namespace, the namespaces,
 * iptables rules, the sysctls we touch and our ownership records. Read without SSH (nsenter).
 */
export interface HostSnapshot {
  netns: string[];
  perNamespace: Record<string, { links: string[]; addrs: string[]; routes: string[] }>;
  /** `iptables -S` of every table (policies and rules). */
  iptables: string[];
  /** Static bridge FDB entries (flood entries of VXLAN devices included) of the host namespace; learned ones come and go. */
  fdb: string[];
  sysctls: Record<string, string>;
  /** Our ownership records (/run/pulumi-netns: each file with the mark on its first line; folders too). */
  records: string[];
}

async function sh(vm: LabVmInfo, argv: string[]): Promise<string> {
  return (await vmExec(vm, argv)).stdout;
}

async function nsView(vm: LabVmInfo, ns?: string) {
  const ip = (...a: string[]) => (ns ? ["ip", "-n", ns, ...a] : ["ip", ...a]);
  const links = (JSON.parse(await sh(vm, ip("-json", "link", "show"))) as Array<Record<string, unknown>>).map(
    (l) => `${l.ifname} mtu=${l.mtu} master=${l.master ?? "-"} alias=${l.ifalias ?? "-"} flags=${(l.flags as string[]).filter((f) => f === "UP").join(",")}`,
  );
  const addrs = (JSON.parse(await sh(vm, ip("-json", "addr", "show"))) as Array<{ ifname: string; addr_info: Array<{ local: string; prefixlen: number; scope: string }> }>)
    .flatMap((l) => l.addr_info.filter((a) => a.scope !== "link").map((a) => `${l.ifname} ${a.local}/${a.prefixlen}`));
  const routes = (JSON.parse(await sh(vm, ip("-json", "route", "show", "table", "all"))) as Array<Record<string, unknown>>)
    .filter((r) => r.table !== "local" || !String(r.dst).startsWith("fe80"))
    .map((r) => `${r.table ?? "main"} ${r.dst} via=${r.gateway ?? "-"} dev=${r.dev ?? "-"} proto=${r.protocol ?? "-"}`);
  return { links: links.sort(), addrs: addrs.sort(), routes: routes.sort() };
}

export async function snapshot(vm: LabVmInfo, sysctls = ["net.ipv4.ip_forward"]): Promise<HostSnapshot> {
  const netns = (JSON.parse((await sh(vm, ["ip", "-json", "netns", "list"])) || "[]") as Array<{ name: string }>).map((n) => n.name).sort();
  const perNamespace: HostSnapshot["perNamespace"] = { "": await nsView(vm) };
  for (const n of netns) perNamespace[n] = await nsView(vm, n);
  const iptables: string[] = [];
  for (const table of ["nat", "filter", "mangle", "raw"]) {
    iptables.push(...(await sh(vm, ["iptables", "-w", "-t", table, "-S"])).split("\n").filter(Boolean).map((l) => `${table} ${l}`));
  }
  const fdb = (JSON.parse((await sh(vm, ["bridge", "-json", "fdb", "show"])) || "[]") as Array<Record<string, unknown>>)
    .filter((e) => e.state === "permanent" || e.state === "static")
    .map((e) => `${e.mac} dev=${e.ifname ?? "-"} dst=${e.dst ?? "-"} master=${e.master ?? "-"}`)
    .sort();
  const values: Record<string, string> = {};
  for (const k of sysctls) values[k] = (await sh(vm, ["sysctl", "-n", k])).trim();
  const records = (await sh(vm, ["sh", "-c", 'find "$1" -mindepth 1 | while read -r f; do printf "%s %s\\n" "$f" "$(head -n 1 "$f" 2>/dev/null)"; done', "records", RECORD_DIR]))
    .split("\n").filter(Boolean).sort();
  return { netns, perNamespace, iptables, fdb, sysctls: values, records };
}

/** `snapshot` of every VM, in order (a lab's `vms`, or some of them). */
export function snapshots(vms: LabVmInfo[]): Promise<HostSnapshot[]> {
  return Promise.all(vms.map((vm) => snapshot(vm)));
}

/**
 * Ping from inside a namespace of a VM (lab addresses only); true if any reply came back.
 * `size` with don't-fragment (`-M do -s SIZE`): an MTU probe.
 */
export async function pingFrom(vm: LabVmInfo, ns: string | undefined, target: string, size?: number): Promise<boolean> {
  const argv = [...(ns ? ["ip", "netns", "exec", ns] : []), "ping", "-c", "2", "-i", "0.2", "-W", "1", ...(size ? ["-M", "do", "-s", String(size)] : []), target];
  return (await vmExec(vm, argv, { allowFail: true, timeoutMs: 15_000 })).code === 0;
}
