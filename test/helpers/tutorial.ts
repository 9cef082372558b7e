import type { LabVmInfo } from "../../provider/lab";
import { bridgeProvider, natRuleProvider, netNamespaceProvider, routeProvider, sysctlProvider, vethPairProvider } from "../../provider/resources";
import { make, type Made } from "./providers";

/** The tutorial's addressing for node k (0 or 1): 172.16.k.0/24, bridge .1, NS1 .2, NS2 .3. */
export function nodePlan(k: number) {
  return { subnet: `172.16.${k}.0/24`, bridgeIp: `172.16.${k}.1`, ns1: `172.16.${k}.2`, ns2: `172.16.${k}.3` };
}

/**
 * The two-node tutorial network on one node, through the providers directly: bridge br0,
 * NS1/NS2 on veth pairs, default routes, a route to the other node's subnet via its LAN IP,
 * MASQUERADE out of eth0 and ip_forward on. Returns what it made, in creation order.
 */
export async function buildNode(vm: LabVmInfo, k: number, other: LabVmInfo, connection: Record<string, unknown>): Promise<Made[]> {
  const p = nodePlan(k);
  const o = nodePlan(1 - k);
  const made: Made[] = [];
  const add = async (prov: Made["provider"], raw: Record<string, unknown>) => {
    made.push(await make(prov, { connection, ...raw }));
  };
  try {
    await add(bridgeProvider, { name: "br0", addresses: [`${p.bridgeIp}/24`] });
    for (const [i, ns, ipAddr] of [[1, "NS1", p.ns1], [2, "NS2", p.ns2]] as const) {
      await add(netNamespaceProvider, { name: ns });
      await add(vethPairProvider, { name: `veth${i}0`, bridge: "br0", peer: { name: `veth${i}1`, namespace: ns, addresses: [`${ipAddr}/24`] } });
      await add(routeProvider, { destination: "default", via: p.bridgeIp, device: `veth${i}1`, namespace: ns });
    }
    await add(routeProvider, { destination: o.subnet, via: other.lanIp, device: "eth0" });
    await add(natRuleProvider, { source: p.subnet, outInterface: "eth0", jump: "MASQUERADE", comment: `pulumi-netns:test:nat-${k}` });
    await add(sysctlProvider, { key: "net.ipv4.ip_forward", value: "1" });
    return made;
  } catch (e) {
    for (const m of made.reverse()) await m.provider.delete(m.id, m.outs).catch(() => undefined);
    throw e;
  }
}
