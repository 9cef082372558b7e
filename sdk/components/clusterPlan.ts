import type { ClusterArgs } from "./cluster";
import { checkHostIn, firstHost, overlaps } from "./subnets";
import { bigIntToIp, ipFamily, ipToBigInt, parseCidr } from "../../provider/validate/ip";

/** What one node gets: its bridge subnet and address, and the overlay MTU. */
export interface NodePlan {
  subnet: string;
  bridgeAddress?: string;
  mtu?: number;
}

const NODE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

/**
 * Validate a Cluster's arguments and plan each node. A component runs in the program, so its
 * errors are thrown here, naming the argument and the fix, before any resource is registered:
 * nothing reaches a host. Values that are Outputs (unknown until deploy) are checked by the
 * resources' own `check` instead (e.g. a Vxlan peer equal to its local address).
 */
export function checkClusterArgs(name: string, a: ClusterArgs): NodePlan[] {
  const where = `Cluster ${name}`;
  const fail = (prop: string, msg: string): never => {
    throw new Error(`${where}: ${prop}: ${msg}`);
  };
  const mode = a.mode ?? "routes";
  if (mode !== "routes" && mode !== "vxlan") fail("mode", `must be "routes" or "vxlan", not ${JSON.stringify(mode)}`);
  if (!Array.isArray(a.nodes) || a.nodes.length === 0) fail("nodes", "give at least one node");
  const int = (v: unknown, lo: number, hi: number, prop: string, what: string) => {
    if (v !== undefined && (typeof v !== "number" || !Number.isInteger(v) || v < lo || v > hi)) fail(prop, `${JSON.stringify(v)} is not ${what} (${lo}-${hi})`);
  };
  int(a.vni, 1, 16777215, "vni", "a VXLAN network identifier");
  int(a.port, 1, 65535, "port", "a UDP port");
  int(a.mtu, 68, 65535, "mtu", "an MTU");
  int(a.nodePrefix, 1, 30, "nodePrefix", "a prefix length");

  const names = new Set<string>();
  const lanIps = new Map<string, string>();
  a.nodes.forEach((n, k) => {
    if (typeof n.name !== "string" || !NODE_NAME.test(n.name)) fail(`nodes[${k}].name`, "must be 1-63 letters, digits, '_', '.' or '-' (it is part of resource names)");
    if (names.has(n.name)) fail(`nodes[${k}].name`, `${n.name} is used by two nodes; node names must be unique`);
    names.add(n.name);
    if (typeof n.lanIp === "string") {
      if (ipFamily(n.lanIp) === 0) fail(`nodes[${k}].lanIp`, `${JSON.stringify(n.lanIp)} is not an IP address`);
      const other = lanIps.get(n.lanIp);
      if (other) fail(`nodes[${k}].lanIp`, `${n.lanIp} is also node ${other}'s LAN IP; each node needs its own (a node cannot be its own peer)`);
      lanIps.set(n.lanIp, n.name);
    }
    if (!Array.isArray(n.namespaces)) fail(`nodes[${k}].namespaces`, "must be a list (it may be empty)");
  });

  const plans = mode === "routes" ? planRoutes(a, fail) : planVxlan(a, fail);

  // Namespace addresses: inside their node's subnet, unique where they share an L2 segment, not a gateway.
  const seen = new Map<string, string>();
  a.nodes.forEach((n, k) => {
    const nsNames = new Set<string>();
    n.namespaces.forEach((s, j) => {
      const prop = `nodes[${k}].namespaces[${j}]`;
      if (nsNames.has(s.name)) fail(`${prop}.name`, `${s.name} is used twice on node ${n.name}`);
      nsNames.add(s.name);
      const address = s.address;
      if (typeof address !== "string") return;
      asFail(fail, `${prop}.address`, (what) => checkHostIn(address, plans[k].subnet, what), ` (node ${n.name}'s subnet)`);
      const key = mode === "vxlan" ? address : `${n.name}/${address}`;
      const owner = seen.get(key);
      if (owner) fail(`${prop}.address`, `${address} is already ${owner}'s address`);
      seen.set(key, `${n.name}/${s.name}`);
    });
  });
  plans.forEach((p, k) => {
    const gw = p.bridgeAddress ?? firstHost(p.subnet, "").gateway;
    const key = mode === "vxlan" ? gw : `${a.nodes[k].name}/${gw}`;
    const owner = seen.get(key);
    if (owner) fail(`nodes[${k}].bridgeAddress`, `${gw} (node ${a.nodes[k].name}'s bridge) is also namespace ${owner}'s address; pick another for one of them`);
  });
  return plans;
}

type Fail = (prop: string, msg: string) => never;

/** Run a ./subnets check named `prop`; its error (less its `prop: ` prefix, plus `suffix`) becomes fail(prop, ...). */
function asFail<T>(fail: Fail, prop: string, check: (what: string) => T, suffix = ""): T {
  try {
    return check(prop);
  } catch (e) {
    return fail(prop, `${(e as Error).message.replace(/^[^:]*: /, "")}${suffix}`);
  }
}

function checkedSubnet(s: unknown, prop: string, fail: Fail): string {
  if (typeof s !== "string") return fail(prop, "must be a network in CIDR form, e.g. 172.16.0.0/24");
  return asFail(fail, prop, (what) => firstHost(s, what).network);
}

function planRoutes(a: ClusterArgs, fail: Fail): NodePlan[] {
  const range = a.subnet === undefined ? undefined : checkedSubnet(a.subnet, "subnet", fail);
  const nodePrefix = a.nodePrefix ?? 24;
  const plans = a.nodes.map((n, k): NodePlan => {
    if (n.subnet !== undefined) return { subnet: checkedSubnet(n.subnet, `nodes[${k}].subnet`, fail) };
    if (!range) return fail(`nodes[${k}].subnet`, "routes mode needs each node's subnet, or the cluster's subnet to give shares of");
    const r = parseCidr(range)!;
    if (nodePrefix < r.prefix || nodePrefix > (r.family === 4 ? 30 : 126)) fail("nodePrefix", `/${nodePrefix} shares do not fit in ${range}`);
    const share = n.share ?? k;
    const count = 1n << BigInt(nodePrefix - r.prefix);
    if (!Number.isInteger(share) || share < 0 || BigInt(share) >= count) fail(`nodes[${k}].share`, `${share} is outside 0-${count - 1n} (the /${nodePrefix} shares of ${range})`);
    const size = 1n << BigInt((r.family === 4 ? 32 : 128) - nodePrefix);
    return { subnet: `${bigIntToIp(ipToBigInt(r.ip) + BigInt(share) * size, r.family)}/${nodePrefix}` };
  });
  plans.forEach((p, k) => plans.slice(0, k).forEach((q, j) => {
    if (overlaps(p.subnet, q.subnet)) {
      fail(`nodes[${k}].subnet`, `${p.subnet} ${p.subnet === q.subnet ? "is the same as" : "overlaps"} node ${a.nodes[j].name}'s ${q.subnet}; give each node its own`);
    }
  }));
  return plans;
}

function planVxlan(a: ClusterArgs, fail: Fail): NodePlan[] {
  if (a.subnet === undefined) fail("subnet", "vxlan mode needs the overlay subnet, e.g. 172.16.0.0/24");
  const subnet = checkedSubnet(a.subnet, "subnet", fail);
  const base = ipToBigInt(subnet.split("/")[0]);
  const fam = parseCidr(subnet)!.family;
  const used = new Map<string, string>();
  return a.nodes.map((n, k) => {
    if (n.subnet !== undefined && checkedSubnet(n.subnet, `nodes[${k}].subnet`, fail) !== subnet) {
      fail(`nodes[${k}].subnet`, `in vxlan mode every node is on the overlay ${subnet}; remove it`);
    }
    const addr = n.bridgeAddress ?? bigIntToIp(base + BigInt(k + 1), fam);
    asFail(fail, `nodes[${k}].bridgeAddress`, (what) => checkHostIn(addr, subnet, what));
    const other = used.get(addr);
    if (other) fail(`nodes[${k}].bridgeAddress`, `${addr} is also node ${other}'s bridge address`);
    used.set(addr, n.name);
    return { subnet, bridgeAddress: addr, mtu: a.mtu ?? 1450 };
  });
}
