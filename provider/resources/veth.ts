import { z } from "zod";
import { foundLink, where } from "../takeover";
import { defineResource, run, type WithConnection } from "../resource";
import {
  linkAddVeth, linkDel, linkExists, linkSetAlias, linkSetMaster, linkSetMtu, linkSetNoMaster, linkSetUp,
} from "../ip/link";
import { addrAdd, addrChange, addrShow } from "../ip/addr";
import { stableMac } from "../ip/mac";
import { netnsExists } from "../ip/netns";
import { cidrList, ifName, mtu, netnsName } from "../validate/net";
import { Script, sectionsOf } from "../ssh/script";
import { orderLike, parseLink, type LinkState } from "../state/link";
import { markOf, ownedLinkProbe } from "../marker";
import type { Reported } from "./reportedShape";

/** One end of the pair: where it lives and what it is plugged into. */
export type VethEnd = z.output<typeof vethEndSchema>;

export type VethPairOutputs = Reported["VethPair"];

const end = {
  name: ifName,
  namespace: netnsName.optional(),
  addresses: cidrList,
  bridge: ifName.optional(),
};
const vethEndSchema = z.strictObject(end);

/** A pair's inputs after check: the one source of their type (and of what VethPairArgs may hold). */
export const vethPairSchema = z.object({ ...end, mtu: mtu.optional(), up: z.boolean().default(true), peer: vethEndSchema });


export const vethPairProvider = defineResource({
  kind: "VethPair",
  schema: vethPairSchema,
  crossCheck: (i, fail) => {
    if (i.name === i.peer.name && i.namespace === i.peer.namespace) {
      fail("peer.name", `both ends are named ${i.name} in ${where(i.namespace)}; give the peer another name or put it in another namespace`);
    }
  },
  replaceOn: ["name", "namespace"],
  replacesOf: (o, n) => [
    ...(o.peer?.name !== n.peer.name ? ["peer.name"] : []),
    ...(o.peer?.namespace !== n.peer.namespace ? ["peer.namespace"] : []),
  ],
  idOf: (i) => `veth/${i.namespace ?? ""}/${i.name}`,
  namesOf: (i) => [`link/${i.namespace ?? ""}/${i.name}`, `link/${i.peer.namespace ?? ""}/${i.peer.name}`],

  async create(c, i, mark): Promise<VethPairOutputs> {
    const p = i.peer;
    const s = new Script();
    for (const e of [i, p]) {
      if (e.namespace) s.requireThat(netnsExists(e.namespace), `namespace ${e.namespace} does not exist; create it first (a NetNamespace whose name this VethPair takes as input)`);
      s.refuseIfExists(linkExists(e.namespace, e.name), `link ${e.name} already exists in ${where(e.namespace)}`);
      if (e.bridge) s.requireThat(linkExists(e.namespace, e.bridge), `bridge ${e.bridge} does not exist in ${where(e.namespace)}; create it first`);
    }
    // Deleting one end of a veth removes both: one undo covers the pair.
    const mac = (e: VethEnd) => stableMac(c.host, e.namespace ?? "", e.name);
    s.step(
      linkAddVeth(undefined, i.name, { name: p.name, namespace: p.namespace, address: mac(p) }, { mtu: i.mtu, namespace: i.namespace, address: mac(i) }),
      linkDel(i.namespace, i.name),
    );
    for (const e of [i, p]) {
      s.step(linkSetAlias(e.namespace, e.name, mark));
      for (const a of e.addresses) s.step(addrAdd(e.namespace, e.name, a));
      if (e.bridge) s.step(linkSetMaster(e.namespace, e.name, e.bridge));
    }
    if (i.up) for (const e of [i, p]) s.step(linkSetUp(e.namespace, e.name));
    const [a, b] = await showBoth(s, i, c);
    return { mac: a?.mac ?? "", peerMac: b?.mac ?? "" };
  },

  async look(c, i) {
    const [a, b] = await showBoth(new Script(), i, c);
    const found = (l: LinkState | undefined, e: VethEnd) => foundLink(`link ${e.name} in ${where(e.namespace)}`, l, "veth");
    return {
      objects: [found(a, i), found(b, i.peer)],
      live: a && b && {
        ...liveEnd(a, i),
        up: a.up && b.up,
        ...(i.mtu !== undefined ? { mtu: a.mtu } : {}),
        peer: liveEnd(b, i.peer),
        mac: a.mac,
        peerMac: b.mac,
      },
    };
  },
  markSteps: (i, mark) => [i, i.peer].map((e) => linkSetAlias(e.namespace, e.name, mark)),

  async update(c, olds, news) {
    const s = new Script();
    for (const [o, n] of [[olds, news], [olds.peer, news.peer]] as const) {
      addrChange(s, n.namespace, n.name, o.addresses ?? [], n.addresses);
      if (o.bridge !== n.bridge) s.step(n.bridge ? linkSetMaster(n.namespace, n.name, n.bridge) : linkSetNoMaster(n.namespace, n.name));
      if (news.mtu !== undefined && news.mtu !== olds.mtu) s.step(linkSetMtu(n.namespace, n.name, news.mtu));
      if (news.up !== olds.up) s.step(linkSetUp(n.namespace, n.name, news.up));
    }
    const [a, b] = await showBoth(s, news, c);
    return { mac: a?.mac ?? olds.mac, peerMac: b?.mac ?? olds.peerMac };
  },

  async delete(c, state) {
    // Either end may already be gone with its namespace; deleting one end removes the other.
    const s = new Script();
    for (const e of [state, state.peer]) s.deleteIfOwned(ownedLinkProbe(e.namespace, e.name, markOf(state.owner)), linkDel(e.namespace, e.name));
    await run(c, s.toString());
  },
});

/** Run `s` with both ends read back at its end: [this end, the peer] (undefined where missing). */
async function showBoth(s: Script, i: VethEnd & { peer: VethEnd }, c: WithConnection["connection"]): Promise<[LinkState | undefined, LinkState | undefined]> {
  for (const e of [i, i.peer]) s.show(addrShow(e.namespace, e.name));
  const [a, b] = sectionsOf(await run(c, s.toString())).map(parseLink);
  return [a, b];
}

function liveEnd(l: LinkState, declared: VethEnd): VethEnd {
  return {
    name: l.name,
    ...(declared.namespace !== undefined ? { namespace: declared.namespace } : {}),
    addresses: orderLike(l.addresses, declared.addresses),
    ...(l.master !== undefined || declared.bridge !== undefined ? { bridge: l.master } : {}),
  };
}
