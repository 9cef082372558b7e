import { z } from "zod";
import { defineResource, run, type WithConnection } from "../resource";
import {
  linkAddVeth, linkDel, linkExists, linkSetAlias, linkSetMaster, linkSetMtu, linkSetNoMaster, linkSetUp,
} from "../ip/link";
import { addrAdd, addrChange, addrShow } from "../ip/addr";
import { stableMac } from "../ip/mac";
import { netnsExists } from "../ip/netns";
import { cidrList, ifName, mtu, netnsName } from "../validate/net";
import { Script } from "../ssh/script";
import { shellJoin } from "../ssh/quote";
import { orderLike, parseLink, type LinkState } from "../state/link";
import { OWNER_MARK, ownedLinkProbe } from "../marker";
import type { CheckFailure } from "../validate/errors";

/** One end of the pair: where it lives and what it is plugged into. */
export type VethEnd = z.output<typeof vethEndSchema>;

export type VethPairInputs = WithConnection & z.output<typeof vethPairSchema>;

export interface VethPairOutputs {
  mac: string;
  peerMac: string;
}

const end = {
  name: ifName,
  namespace: netnsName.optional(),
  addresses: cidrList,
  bridge: ifName.optional(),
};
const vethEndSchema = z.strictObject(end);

/** A pair's inputs after check: the one source of VethPairInputs (and of what VethPairArgs may hold). */
export const vethPairSchema = z.object({ ...end, mtu: mtu.optional(), up: z.boolean().default(true), peer: vethEndSchema });

const where = (ns?: string) => (ns ? `namespace ${ns}` : "the host namespace");

export const vethPairProvider = defineResource<VethPairInputs, VethPairOutputs>({
  kind: "VethPair",
  fields: vethPairSchema.shape,
  crossCheck: (i) => {
    const f: CheckFailure[] = [];
    if (i.name === i.peer.name && i.namespace === i.peer.namespace) {
      f.push({ property: "peer.name", reason: `VethPair.peer.name: both ends are named ${i.name} in ${where(i.namespace)}; give the peer another name or put it in another namespace` });
    }
    return f;
  },
  replaceOn: ["name", "namespace"],
  replacesOf: (o, n) => [
    ...(o.peer?.name !== n.peer.name ? ["peer.name"] : []),
    ...(o.peer?.namespace !== n.peer.namespace ? ["peer.namespace"] : []),
  ],
  idOf: (i) => `veth/${i.namespace ?? ""}/${i.name}`,
  namesOf: (i) => [`link/${i.namespace ?? ""}/${i.name}`, `link/${i.peer.namespace ?? ""}/${i.peer.name}`],

  async create(c, i) {
    const p = i.peer;
    const s = new Script();
    for (const e of [i, p]) {
      if (e.namespace) s.requireThat(netnsExists(e.namespace), `namespace ${e.namespace} does not exist; create it first (a NetNamespace whose name this VethPair takes as input)`);
      s.refuseIf(linkExists(e.namespace, e.name), `link ${e.name} already exists in ${where(e.namespace)} and is not managed by this resource; delete it or choose another name`);
      if (e.bridge) s.requireThat(linkExists(e.namespace, e.bridge), `bridge ${e.bridge} does not exist in ${where(e.namespace)}; create it first`);
    }
    // Deleting one end of a veth removes both: one undo covers the pair.
    const mac = (e: VethEnd) => stableMac(c.host, e.namespace ?? "", e.name);
    s.step(
      linkAddVeth(undefined, i.name, { name: p.name, namespace: p.namespace, address: mac(p) }, { mtu: i.mtu, namespace: i.namespace, address: mac(i) }),
      linkDel(i.namespace, i.name),
    );
    for (const e of [i, p]) {
      s.step(linkSetAlias(e.namespace, e.name, OWNER_MARK));
      for (const a of e.addresses) s.step(addrAdd(e.namespace, e.name, a));
      if (e.bridge) s.step(linkSetMaster(e.namespace, e.name, e.bridge));
    }
    if (i.up) for (const e of [i, p]) s.step(linkSetUp(e.namespace, e.name));
    s.raw(showBoth(i));
    const [a, b] = parseBoth(await run(c, s.toString()));
    return { mac: a?.mac ?? "", peerMac: b?.mac ?? "" };
  },

  async read(c, state) {
    const [a, b] = parseBoth(await run(c, showBoth(state)));
    if (!a || !b || a.alias !== OWNER_MARK || b.alias !== OWNER_MARK) return undefined;
    return {
      ...liveEnd(a, state),
      up: a.up && b.up,
      ...(state.mtu !== undefined ? { mtu: a.mtu } : {}),
      peer: liveEnd(b, state.peer),
      mac: a.mac,
      peerMac: b.mac,
    };
  },

  async update(c, olds, news) {
    const s = new Script();
    for (const [o, n] of [[olds, news], [olds.peer, news.peer]] as const) {
      addrChange(s, n.namespace, n.name, o.addresses ?? [], n.addresses);
      if (o.bridge !== n.bridge) s.step(n.bridge ? linkSetMaster(n.namespace, n.name, n.bridge) : linkSetNoMaster(n.namespace, n.name));
      if (news.mtu !== undefined && news.mtu !== olds.mtu) s.step(linkSetMtu(n.namespace, n.name, news.mtu));
      if (news.up !== olds.up) s.step(linkSetUp(n.namespace, n.name, news.up));
    }
    s.raw(showBoth(news));
    const [a, b] = parseBoth(await run(c, s.toString()));
    return { mac: a?.mac ?? olds.mac, peerMac: b?.mac ?? olds.peerMac };
  },

  async delete(c, state) {
    // Either end may already be gone with its namespace; deleting one end removes the other.
    const ends = [state, state.peer].map((e) => `if ${ownedLinkProbe(e.namespace, e.name)}; then ${shellJoin(linkDel(e.namespace, e.name))}; fi`);
    await run(c, ends.join("\n"));
  },
});

/** Both ends' JSON, one line each (a missing end prints "[]"). */
function showBoth(i: VethEnd & { peer: VethEnd }): string {
  return [i, i.peer].map((e) => `${shellJoin(addrShow(e.namespace, e.name))} 2>/dev/null || echo '[]'`).join("\n");
}

function parseBoth(out: string): [LinkState | undefined, LinkState | undefined] {
  const lines = out.split("\n").filter((l) => l.startsWith("["));
  const last = lines.slice(-2);
  return [parseLink(last[0] ?? "[]"), parseLink(last[1] ?? "[]")];
}

function liveEnd(l: LinkState, declared: VethEnd): VethEnd {
  return {
    name: l.name,
    ...(declared.namespace !== undefined ? { namespace: declared.namespace } : {}),
    addresses: orderLike(l.addresses, declared.addresses),
    ...(l.master !== undefined || declared.bridge !== undefined ? { bridge: l.master } : {}),
  };
}
