import { z } from "zod";
import { defineResource, run, type WithConnection } from "../resource";
import { linkAddBridge, linkDel, linkExists, linkSetAlias, linkSetBridgeStp, linkSetMtu, linkSetUp } from "../ip/link";
import { addrAdd, addrChange, addrShow } from "../ip/addr";
import { stableMac } from "../ip/mac";
import { cidrList, ifName, mtu } from "../validate/net";
import { Script } from "../ssh/script";
import { shellJoin } from "../ssh/quote";
import { orderLike, parseLink } from "../state/link";
import { OWNER_MARK, ownedLinkProbe } from "../marker";

/** A bridge's inputs after check: the one source of BridgeInputs (the SDK's BridgeArgs is checked against it). */
export const bridgeSchema = z.object({ name: ifName, addresses: cidrList, mtu: mtu.optional(), up: z.boolean().default(true), stp: z.boolean().optional() });

export type BridgeInputs = WithConnection & z.output<typeof bridgeSchema>;

export interface BridgeOutputs {
  mac: string;
}

export const bridgeProvider = defineResource<BridgeInputs, BridgeOutputs>({
  kind: "Bridge",
  fields: bridgeSchema.shape,
  replaceOn: ["name"],
  idOf: (i) => `link/${i.name}`,
  namesOf: (i) => [`link//${i.name}`],

  async create(c, i) {
    const s = new Script()
      .refuseIf(linkExists(undefined, i.name), `link ${i.name} already exists and is not managed by this resource; delete it or choose another name`)
      .step(linkAddBridge(undefined, i.name, { mtu: i.mtu, stp: i.stp, address: stableMac(c.host, "", i.name) }), linkDel(undefined, i.name))
      .step(linkSetAlias(undefined, i.name, OWNER_MARK));
    for (const a of i.addresses) s.step(addrAdd(undefined, i.name, a));
    if (i.up) s.step(linkSetUp(undefined, i.name));
    s.raw(shellJoin(addrShow(undefined, i.name)));
    const live = parseLink(await run(c, s.toString()));
    return { mac: live?.mac ?? "" };
  },

  async read(c, state) {
    const live = parseLink(await run(c, `${shellJoin(addrShow(undefined, state.name))} 2>/dev/null || true`));
    if (!live || live.alias !== OWNER_MARK || live.kind !== "bridge") return undefined;
    return {
      name: live.name,
      addresses: orderLike(live.addresses, state.addresses),
      up: live.up,
      // Report only what the program manages, so unmanaged defaults never show as drift.
      ...(state.mtu !== undefined ? { mtu: live.mtu } : {}),
      ...(state.stp !== undefined ? { stp: live.stp } : {}),
      mac: live.mac,
    };
  },

  async update(c, olds, news) {
    const s = new Script();
    addrChange(s, undefined, news.name, olds.addresses ?? [], news.addresses);
    if (news.mtu !== undefined && news.mtu !== olds.mtu) s.step(linkSetMtu(undefined, news.name, news.mtu));
    if (news.stp !== undefined && news.stp !== olds.stp) s.step(linkSetBridgeStp(undefined, news.name, news.stp));
    if (news.up !== olds.up) s.step(linkSetUp(undefined, news.name, news.up));
    s.raw(shellJoin(addrShow(undefined, news.name)));
    const live = parseLink(await run(c, s.toString()));
    return { mac: live?.mac ?? olds.mac };
  },

  async delete(c, state) {
    await run(c, `if ${ownedLinkProbe(undefined, state.name)}; then ${shellJoin(linkDel(undefined, state.name))}; fi`);
  },
});
