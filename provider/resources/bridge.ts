import { z } from "zod";
import { foundLink } from "../takeover";
import { defineResource, run } from "../resource";
import { linkAddBridge, linkDel, linkExists, linkSetAlias, linkSetBridgeStp, linkSetMtu, linkSetUp } from "../ip/link";
import { addrAdd, addrChange, addrShow } from "../ip/addr";
import { stableMac } from "../ip/mac";
import { cidrList, ifName, mtu } from "../validate/net";
import { Script, sectionsOf, showScript } from "../ssh/script";
import { orderLike, parseLink } from "../state/link";
import { markOf, ownedLinkProbe } from "../marker";
import type { Reported } from "./reportedShape";

/** A bridge's inputs after check: the one source of their type (the SDK's BridgeArgs is checked against it). */
export const bridgeSchema = z.object({ name: ifName, addresses: cidrList, mtu: mtu.optional(), up: z.boolean().default(true), stp: z.boolean().optional() });

export const bridgeProvider = defineResource({
  kind: "Bridge",
  schema: bridgeSchema,
  replaceOn: ["name"],
  idOf: (i) => `link/${i.name}`,
  namesOf: (i) => [`link//${i.name}`],

  async create(c, i, mark): Promise<Reported["Bridge"]> {
    const s = new Script()
      .refuseIfExists(linkExists(undefined, i.name), `link ${i.name} already exists`)
      .step(linkAddBridge(undefined, i.name, { mtu: i.mtu, stp: i.stp, address: stableMac(c.host, "", i.name) }), linkDel(undefined, i.name))
      .step(linkSetAlias(undefined, i.name, mark));
    for (const a of i.addresses) s.step(addrAdd(undefined, i.name, a));
    if (i.up) s.step(linkSetUp(undefined, i.name));
    s.show(addrShow(undefined, i.name));
    const [live] = sectionsOf(await run(c, s.toString())).map(parseLink);
    return { mac: live?.mac ?? "" };
  },

  async look(c, i) {
    const [live] = sectionsOf(await run(c, showScript(addrShow(undefined, i.name)))).map(parseLink);
    return {
      objects: [foundLink(`link ${i.name}`, live, "bridge")],
      live: live && {
        name: live.name,
        addresses: orderLike(live.addresses, i.addresses),
        up: live.up,
        // Report only what the program manages, so unmanaged defaults never show as drift.
        ...(i.mtu !== undefined ? { mtu: live.mtu } : {}),
        ...(i.stp !== undefined ? { stp: live.stp } : {}),
        mac: live.mac,
      },
    };
  },
  markSteps: (i, mark) => [linkSetAlias(undefined, i.name, mark)],

  async update(c, olds, news) {
    const s = new Script();
    addrChange(s, undefined, news.name, olds.addresses ?? [], news.addresses);
    if (news.mtu !== undefined && news.mtu !== olds.mtu) s.step(linkSetMtu(undefined, news.name, news.mtu));
    if (news.stp !== undefined && news.stp !== olds.stp) s.step(linkSetBridgeStp(undefined, news.name, news.stp));
    if (news.up !== olds.up) s.step(linkSetUp(undefined, news.name, news.up));
    s.show(addrShow(undefined, news.name));
    const [live] = sectionsOf(await run(c, s.toString())).map(parseLink);
    return { mac: live?.mac ?? olds.mac };
  },

  async delete(c, state) {
    await run(c, new Script().deleteIfOwned(ownedLinkProbe(undefined, state.name, markOf(state.owner)), linkDel(undefined, state.name)).toString());
  },
});
