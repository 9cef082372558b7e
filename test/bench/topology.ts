/**
 * The benchmarked topology, generalised from the two-node tutorial
 * (/work/shared/seeds/000_*.txt): host k of H gets bridge br0 with 172.16.k.1/24,
 * namespaces NS1..NSn at 172.16.k.(i+1) on veth pairs veth<i>0 (bridge side) /
 * veth<i>1 (namespace side) with a default route via the bridge, a route to every other
 * host's subnet via its LAN IP on eth0, MASQUERADE of its subnet out of eth0 and
 * ip_forward on, and FORWARD ACCEPT for the subnet both ways (NodeNetwork's allowForwarding default,
 * what hosts with a DROP policy need). H = 2, n = 2 is the tutorial.
 *
 * The "floor" is that network made by the tutorial's own shell commands sent as ONE
 * script per host: the least a tool could do over SSH.
 */
import type { LabVmInfo } from "../../provider/lab";

export interface NsPlan {
  name: string;
  ip: string;
  hostVeth: string;
  nsVeth: string;
}

export interface HostPlan {
  k: number;
  vm: LabVmInfo;
  subnet: string;
  bridgeIp: string;
  namespaces: NsPlan[];
  peers: Array<{ subnet: string; via: string }>;
}

export const MAX_NAMESPACES = 250; // .2 .. .251 of a /24

export function plan(vms: LabVmInfo[], hosts: number, namespaces: number): HostPlan[] {
  if (hosts > vms.length) throw new Error(`topology: ${hosts} hosts but the lab has ${vms.length} VMs`);
  if (namespaces > MAX_NAMESPACES) throw new Error(`topology: at most ${MAX_NAMESPACES} namespaces per host`);
  const subnet = (k: number) => `172.16.${k}.0/24`;
  return vms.slice(0, hosts).map((vm, k) => ({
    k,
    vm,
    subnet: subnet(k),
    bridgeIp: `172.16.${k}.1`,
    namespaces: Array.from({ length: namespaces }, (_, j) => ({
      name: `NS${j + 1}`,
      ip: `172.16.${k}.${j + 2}`,
      hostVeth: `veth${j + 1}0`,
      nsVeth: `veth${j + 1}1`,
    })),
    peers: vms.slice(0, hosts).flatMap((other, j) => (j === k ? [] : [{ subnet: subnet(j), via: other.lanIp }])),
  }));
}

/** Objects the network has on one host, counted as our resources count them. */
export function resourcesPerHost(p: HostPlan): number {
  return 1 /* bridge */ + 3 * p.namespaces.length /* netns, veth, default route */ + p.peers.length + 4 /* NAT, 2 FORWARD rules, sysctl */;
}

/**
 * The tutorial's commands, in the tutorial's order (sudo dropped: we log in as root),
 * as one script. Prints the previous ip_forward value so the cleanup can restore it.
 */
export function floorUpScript(p: HostPlan): string {
  const ns = p.namespaces;
  const L: string[] = ["set -e", "prev=$(sysctl -n net.ipv4.ip_forward)"];
  for (const n of ns) L.push(`ip netns add ${n.name}`);
  for (const n of ns) L.push(`ip link add ${n.hostVeth} type veth peer name ${n.nsVeth}`);
  for (const n of ns) L.push(`ip link set ${n.nsVeth} netns ${n.name}`);
  for (const n of ns) L.push(`ip netns exec ${n.name} ip addr add ${n.ip}/24 dev ${n.nsVeth}`);
  for (const n of ns) L.push(`ip netns exec ${n.name} ip link set dev ${n.nsVeth} up`);
  L.push("ip link add br0 type bridge", `ip addr add ${p.bridgeIp}/24 dev br0`, "ip link set dev br0 up");
  for (const n of ns) L.push(`ip link set dev ${n.hostVeth} master br0`);
  for (const n of ns) L.push(`ip link set dev ${n.hostVeth} up`);
  for (const n of ns) L.push(`ip netns exec ${n.name} ip route add default via ${p.bridgeIp} dev ${n.nsVeth}`);
  for (const peer of p.peers) L.push(`ip route add ${peer.subnet} via ${peer.via} dev eth0`);
  L.push(`iptables -t nat -A POSTROUTING -s ${p.subnet} -o eth0 -j MASQUERADE`);
  L.push(`iptables -I FORWARD 1 -s ${p.subnet} -j ACCEPT`, `iptables -I FORWARD 1 -d ${p.subnet} -j ACCEPT`);
  L.push("sysctl -w net.ipv4.ip_forward=1 >/dev/null", 'printf "%s" "$prev"');
  return L.join("\n") + "\n";
}

/**
 * The tutorial has no cleanup section; this is the inverse of its commands in the style of
 * the other seeds' cleanups (`ip link del`, `ip netns del`). The bridge-side veth ends are
 * deleted explicitly: a deleted namespace's links go asynchronously, and the next run
 * reuses the names at once. Best effort (no `set -e`), like a cleanup.
 */
export function floorDownScript(p: HostPlan, prevForward: string): string {
  const L: string[] = [];
  L.push(`iptables -t nat -D POSTROUTING -s ${p.subnet} -o eth0 -j MASQUERADE`);
  L.push(`iptables -D FORWARD -s ${p.subnet} -j ACCEPT`, `iptables -D FORWARD -d ${p.subnet} -j ACCEPT`);
  for (const peer of p.peers) L.push(`ip route del ${peer.subnet} via ${peer.via} dev eth0`);
  L.push(`sysctl -w net.ipv4.ip_forward=${/^[01]$/.test(prevForward) ? prevForward : "0"} >/dev/null`);
  for (const n of p.namespaces) L.push(`ip link del ${n.hostVeth}`);
  L.push("ip link del br0");
  for (const n of p.namespaces) L.push(`ip netns del ${n.name}`);
  return L.join("\n") + "\n";
}

/** What must be absent on a host after any teardown; prints offending lines (empty = clean). */
export const LEFTOVERS_SCRIPT = [
  "ip netns list",
  // eth0 of a lab VM is itself a veth: look for our names only.
  "ip -o link show | grep -E ': (veth[0-9]+[01]|br0)[@:]' || true",
  "ip route show | grep '^172\\.16\\.' || true",
  "iptables -t nat -S POSTROUTING | grep -- '-s 172\\.16\\.' || true",
  "iptables -S FORWARD | grep -- '-[sd] 172\\.16\\.' || true",
].join("\n");
