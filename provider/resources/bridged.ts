import { z } from "zod";
import { defineResource, run, type WithConnection } from "../resource";
import { netnsAdd, netnsDel, netnsExists } from "../ip/netns";
import { linkAddVeth, linkExists, linkSetAlias, linkSetMaster, linkSetUp } from "../ip/link";
import { addrAdd, addrChange, addrShow } from "../ip/addr";
import { routeAdd, routeReplace, routeShow } from "../ip/route";
import { stableMac } from "../ip/mac";
import { cidr, canonicalCidr, cidrContains, ifName, ipAddress, mtu, netnsName, parseCidr } from "../validate/net";
import { Script } from "../ssh/script";
import { shellJoin } from "../ssh/quote";
import { parseLink } from "../state/link";
import { parseRoutes } from "../state/route";
import { OWNER_MARK, ownedLinkProbe } from "../marker";
import type { CheckFailure } from "../validate/errors";

/**
 * A namespace plugged into a bridge, as a CNI bridge plugin's ADD does it, in ONE resource
 * and ONE round trip: `ip netns add`, `lo` up, a veth pair with the host end on the bridge
 * and the other end in the namespace with an address, and a default route via the gateway.
 * The same objects as NetNamespace + VethPair + Route, for stacks with many namespaces
 * (a third of the resources, so a third of the engine's per-resource work).
 */
export const bridgedNamespaceSchema = z.object({
  name: netnsName,
  bridge: ifName,
  address: cidr.transform(canonicalCidr),
  gateway: ipAddress.optional(),
  hostVeth: ifName,
  nsVeth: ifName,
  mtu: mtu.optional(),
});

/** The inputs after check; the schema above is their one source (BridgedNamespaceArgs is checked against it). */
export type BridgedNamespaceInputs = WithConnection & z.output<typeof bridgedNamespaceSchema>;

export interface BridgedNamespaceOutputs {
  mac: string;
  hostMac: string;
}

export const bridgedNamespaceProvider = defineResource<BridgedNamespaceInputs, BridgedNamespaceOutputs>({
  kind: "BridgedNamespace",
  fields: bridgedNamespaceSchema.shape,
  crossCheck: (i) => {
    const f: CheckFailure[] = [];
    if (i.gateway && !cidrContains(i.address, i.gateway)) {
      f.push({ property: "gateway", reason: `BridgedNamespace.gateway: ${i.gateway} is outside ${i.address}; use an address on the same subnet (the bridge's)` });
    }
    if (i.gateway && i.gateway === parseCidr(i.address)?.ip) {
      f.push({ property: "gateway", reason: `BridgedNamespace.gateway: ${i.gateway} is the namespace's own address; use the bridge's address` });
    }
    return f;
  },
  replaceOn: ["name", "bridge", "hostVeth", "nsVeth"],
  idOf: (i) => `netns/${i.name}`,
  namesOf: (i) => [`netns/${i.name}`, `link//${i.hostVeth}`],

  async create(c, i) {
    const ns = i.name;
    const s = new Script()
      .refuseIf(netnsExists(ns), `namespace ${ns} already exists and is not managed by this resource; delete it or choose another name`)
      .refuseIf(linkExists(undefined, i.hostVeth), `link ${i.hostVeth} already exists in the host namespace and is not managed by this resource`)
      .requireThat(linkExists(undefined, i.bridge), `bridge ${i.bridge} does not exist in the host namespace; create it first`)
      // Deleting the namespace takes its veth end, and so the pair, with it: one undo for all.
      .step(netnsAdd(ns), netnsDel(ns))
      .step(linkSetAlias(ns, "lo", OWNER_MARK))
      .step(linkSetUp(ns, "lo"))
      .step(linkAddVeth(undefined, i.hostVeth, { name: i.nsVeth, namespace: ns, address: stableMac(c.host, ns, i.nsVeth) },
        { mtu: i.mtu, address: stableMac(c.host, "", i.hostVeth) }))
      .step(linkSetAlias(undefined, i.hostVeth, OWNER_MARK))
      .step(linkSetAlias(ns, i.nsVeth, OWNER_MARK))
      .step(linkSetMaster(undefined, i.hostVeth, i.bridge))
      .step(addrAdd(ns, i.nsVeth, i.address))
      .step(linkSetUp(undefined, i.hostVeth))
      .step(linkSetUp(ns, i.nsVeth));
    if (i.gateway) s.step(routeAdd(ns, { destination: "default", via: i.gateway, device: i.nsVeth }));
    s.raw(show(i));
    const live = parse(await run(c, s.toString()));
    return { mac: live.ns?.mac ?? "", hostMac: live.host?.mac ?? "" };
  },

  async read(c, state) {
    const live = parse(await run(c, show(state)));
    if (!live.lo || live.lo.alias !== OWNER_MARK || !live.ns || !live.host || live.host.alias !== OWNER_MARK) return undefined;
    return {
      bridge: live.host.master ?? "",
      address: live.ns.addresses.includes(state.address) ? state.address : (live.ns.addresses[0] ?? ""),
      gateway: live.gateway,
      ...(state.mtu !== undefined ? { mtu: live.ns.mtu } : {}),
      mac: live.ns.mac,
      hostMac: live.host.mac,
    };
  },

  async update(c, olds, news) {
    const s = new Script();
    addrChange(s, news.name, news.nsVeth, [olds.address], [news.address]);
    if (news.gateway && news.gateway !== olds.gateway) s.step(routeReplace(news.name, { destination: "default", via: news.gateway, device: news.nsVeth }));
    if (!news.gateway && olds.gateway) s.raw(`${shellJoin(["ip", "-n", news.name, "route", "del", "default", "proto", "157"])} 2>/dev/null || true`);
    if (news.mtu !== undefined && news.mtu !== olds.mtu) {
      s.step(["ip", "link", "set", "dev", news.hostVeth, "mtu", String(news.mtu)]).step(["ip", "-n", news.name, "link", "set", "dev", news.nsVeth, "mtu", String(news.mtu)]);
    }
    s.raw(show(news));
    const live = parse(await run(c, s.toString()));
    return { mac: live.ns?.mac ?? olds.mac, hostMac: live.host?.mac ?? olds.hostMac };
  },

  async delete(c, state) {
    await run(c, `if ${ownedLinkProbe(state.name, "lo")}; then ${shellJoin(netnsDel(state.name))}; fi`);
  },
});

/** lo and the veth end in the namespace, the host end, and our default route: one line of JSON each. */
function show(i: BridgedNamespaceInputs): string {
  return [
    addrShow(i.name, "lo"),
    addrShow(i.name, i.nsVeth),
    addrShow(undefined, i.hostVeth),
    routeShow(i.name, { destination: "default" }),
  ].map((argv) => `${shellJoin(argv)} 2>/dev/null || echo '[]'`).join("\n");
}

function parse(out: string) {
  const lines = out.split("\n").filter((l) => l.startsWith("[")).slice(-4);
  const route = parseRoutes(lines[3] ?? "[]").find((r) => r.owned);
  return { lo: parseLink(lines[0] ?? "[]"), ns: parseLink(lines[1] ?? "[]"), host: parseLink(lines[2] ?? "[]"), gateway: route?.via };
}
