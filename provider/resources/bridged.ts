import { z } from "zod";
import { foundLink } from "../takeover";
import { defineResource, run, type InputsOf } from "../resource";
import type { Reported } from "./reportedShape";
import { netnsAdd, netnsDel, netnsExists } from "../ip/netns";
import { linkAddVeth, linkDel, linkExists, linkSetAlias, linkSetMaster, linkSetMtu, linkSetUp } from "../ip/link";
import { addrAdd, addrChange, addrShow } from "../ip/addr";
import { routeAdd, routeDel, routeOwnedProbe, routeReplace, routeShow } from "../ip/route";
import { stableMac } from "../ip/mac";
import { cidr, canonicalCidr, cidrContains, ifName, ipAddress, mtu, netnsName, parseCidr } from "../validate/net";
import { Script, sectionsOf } from "../ssh/script";
import { parseLink } from "../state/link";
import { parseRoutes } from "../state/route";
import { markOf, ownedLinkProbe } from "../marker";
import { recordOf as routeRecordOf } from "./route";
import { recordMarkIs, recordRemove, recordWrite } from "../state/record";

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
export type BridgedNamespaceInputs = InputsOf<typeof bridgedNamespaceSchema>;

export const bridgedNamespaceProvider = defineResource({
  kind: "BridgedNamespace",
  schema: bridgedNamespaceSchema,
  crossCheck: (i, fail) => {
    if (i.gateway && !cidrContains(i.address, i.gateway)) {
      fail("gateway", `${i.gateway} is outside ${i.address}; use an address on the same subnet (the bridge's)`);
    }
    if (i.gateway && i.gateway === parseCidr(i.address)?.ip) {
      fail("gateway", `${i.gateway} is the namespace's own address; use the bridge's address`);
    }
  },
  replaceOn: ["name", "bridge", "hostVeth", "nsVeth"],
  idOf: (i) => `netns/${i.name}`,
  namesOf: (i) => [`netns/${i.name}`, `link//${i.hostVeth}`],

  async create(c, i, mark): Promise<Reported["BridgedNamespace"]> {
    const ns = i.name;
    const s = new Script()
      .refuseIfExists(netnsExists(ns), `namespace ${ns} already exists`)
      .refuseIfExists(linkExists(undefined, i.hostVeth), `link ${i.hostVeth} already exists in the host namespace`)
      .requireThat(linkExists(undefined, i.bridge), `bridge ${i.bridge} does not exist in the host namespace; create it first`)
      // Deleting the namespace takes its veth end, and so the pair, with it: one undo for all.
      .step(netnsAdd(ns), netnsDel(ns))
      .step(linkSetAlias(ns, "lo", mark))
      .step(linkSetUp(ns, "lo"))
      .step(linkAddVeth(undefined, i.hostVeth, { name: i.nsVeth, namespace: ns, address: stableMac(c.host, ns, i.nsVeth) },
        { mtu: i.mtu, address: stableMac(c.host, "", i.hostVeth) }))
      .step(linkSetAlias(undefined, i.hostVeth, mark))
      .step(linkSetAlias(ns, i.nsVeth, mark))
      .step(linkSetMaster(undefined, i.hostVeth, i.bridge))
      .step(addrAdd(ns, i.nsVeth, i.address))
      .step(linkSetUp(undefined, i.hostVeth))
      .step(linkSetUp(ns, i.nsVeth));
    const rec = routeRecord(i);
    if (i.gateway) s.step(routeAdd(ns, defaultRoute(i))).step(recordWrite(rec, mark), recordRemove(rec));
    const live = await show(s, i, c);
    return { mac: live.ns?.mac ?? "", hostMac: live.host?.mac ?? "" };
  },

  // The namespace is marked on its `lo`, each veth end on its alias; the default route lives inside the namespace.
  async look(c, i) {
    const live = await show(new Script(), i, c);
    return {
      objects: [
        foundLink(`namespace ${i.name}`, live.lo),
        foundLink(`link ${i.nsVeth} in namespace ${i.name}`, live.ns, "veth"),
        foundLink(`link ${i.hostVeth} in the host namespace`, live.host, "veth"),
      ],
      live: live.ns && live.host && {
        bridge: live.host.master ?? "",
        address: live.ns.addresses.includes(i.address) ? i.address : (live.ns.addresses[0] ?? ""),
        gateway: live.gateway,
        ...(i.mtu !== undefined ? { mtu: live.ns.mtu } : {}),
        mac: live.ns.mac,
        hostMac: live.host.mac,
      },
    };
  },
  // In look's order (lo, namespace end, host end), only what is there (a predecessor's objects may be
  // partial); then the default route's record, as a Route keeps it (taking it from the expanded form's Route).
  markSteps: (i, mark, look) => [
    ...[linkSetAlias(i.name, "lo", mark), linkSetAlias(i.name, i.nsVeth, mark), linkSetAlias(undefined, i.hostVeth, mark)].filter((_, k) => !look.objects[k]?.missing),
    ...(i.gateway ? [recordWrite(routeRecord(i), mark)] : []),
  ],

  async update(c, olds, news) {
    const s = new Script();
    addrChange(s, news.name, news.nsVeth, [olds.address], [news.address]);
    if (news.gateway && news.gateway !== olds.gateway) s.step(routeReplace(news.name, defaultRoute(news))).step(recordWrite(routeRecord(news), markOf(news.owner)));
    if (!news.gateway && olds.gateway) {
      s.deleteIfOwned(routeOwnedProbe(news.name, { destination: "default" }), routeDel(news.name, { destination: "default" }), recordRemove(routeRecord(news)));
    }
    if (news.mtu !== undefined && news.mtu !== olds.mtu) s.step(linkSetMtu(undefined, news.hostVeth, news.mtu)).step(linkSetMtu(news.name, news.nsVeth, news.mtu));
    const live = await show(s, news, c);
    return { mac: live.ns?.mac ?? olds.mac, hostMac: live.host?.mac ?? olds.hostMac };
  },

  async delete(c, state) {
    // The host end first: the kernel frees a deleted namespace's veths asynchronously, and the host
    // must be as it was when delete returns.
    const mark = markOf(state.owner);
    const s = new Script().deleteIfOwned(ownedLinkProbe(undefined, state.hostVeth, mark), linkDel(undefined, state.hostVeth));
    s.deleteIfOwned(ownedLinkProbe(state.name, "lo", mark), netnsDel(state.name));
    // The default route went with the namespace; its record, if ours (state from before records: none).
    const rec = routeRecord(state);
    await run(c, s.deleteIfOwned(recordMarkIs(rec, mark), recordRemove(rec)).toString());
  },
});

const defaultRoute = (i: BridgedNamespaceInputs) => ({ destination: "default", via: i.gateway, device: i.nsVeth });

/** The default route's owner record, where a Route keeps it (so the expanded form's Route and this one can succeed each other). */
const routeRecord = (i: BridgedNamespaceInputs) => routeRecordOf({ ...defaultRoute(i), connection: i.connection, namespace: i.name });

/** Run `s`, reading back lo and the veth end in the namespace, the host end, and our default route. */
async function show(s: Script, i: BridgedNamespaceInputs, c: BridgedNamespaceInputs["connection"]) {
  s.show(addrShow(i.name, "lo")).show(addrShow(i.name, i.nsVeth)).show(addrShow(undefined, i.hostVeth)).show(routeShow(i.name, { destination: "default" }));
  const [lo, ns, host, routes] = sectionsOf(await run(c, s.toString()));
  const route = parseRoutes(routes).find((r) => r.owned);
  return { lo: parseLink(lo), ns: parseLink(ns), host: parseLink(host), gateway: route?.via };
}
