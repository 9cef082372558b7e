import { z } from "zod";
import { foundLink } from "../takeover";
import { defineResource, run, type WithConnection } from "../resource";
import { linkDel, linkExists, linkSetAlias, linkSetMaster, linkSetMtu, linkSetNoMaster, linkSetUp, linkShowDetails } from "../ip/link";
import { bridgeFdbAppend, bridgeFdbDel, bridgeFdbShow, linkAddVxlan, parseFloodPeers } from "../ip/vxlan";
import { stableMac } from "../ip/mac";
import { canonicalIpAddress, ifName, ipFamily, mtu } from "../validate/net";
import { port } from "../validate/iptables";
import { Script, sectionsOf, showScript } from "../ssh/script";
import { orderLike, parseLink } from "../state/link";
import { markOf, ownedLinkProbe } from "../marker";
import type { Reported } from "./reportedShape";

/** A VXLAN device's inputs after check: the one source of their type (and of what VxlanArgs may hold). */
export const vxlanSchema = z.object({
  name: ifName,
  vni: z.number({ error: "vni must be a number 1-16777215" }).int("vni must be a whole number").min(1, "vni must be 1-16777215 (24 bits; 0 is reserved)").max(16777215, "vni must be 1-16777215 (24 bits)"),
  local: canonicalIpAddress,
  device: ifName,
  bridge: ifName.optional(),
  peers: z.array(canonicalIpAddress).default([]).refine((l) => new Set(l).size === l.length, "peers must not repeat"),
  mtu: mtu.optional(),
  port: port.default(4789),
});

export const vxlanProvider = defineResource({
  kind: "Vxlan",
  schema: vxlanSchema,
  crossCheck: (i, fail) => {
    if (i.peers.includes(i.local)) fail("peers", `${i.local} is this node's own address (local); list only the other nodes`);
    const other = i.peers.find((p) => ipFamily(p) !== ipFamily(i.local));
    if (other) fail("peers", `${other} is not the same IP family as local ${i.local}`);
  },
  replaceOn: ["name", "vni", "local", "device", "port"],
  idOf: (i) => `link/${i.name}`,
  namesOf: (i) => [`link//${i.name}`],

  async create(c, i, mark): Promise<Reported["Vxlan"]> {
    const s = new Script()
      .refuseIfExists(linkExists(undefined, i.name), `link ${i.name} already exists`)
      .step(linkAddVxlan(undefined, i.name, { ...i, address: stableMac(c.host, "", i.name) }), linkDel(undefined, i.name))
      .step(linkSetAlias(undefined, i.name, mark));
    if (i.bridge) s.step(linkSetMaster(undefined, i.name, i.bridge));
    for (const p of i.peers) s.step(bridgeFdbAppend(undefined, i.name, p));
    s.step(linkSetUp(undefined, i.name)).show(linkShowDetails(undefined, i.name));
    const [link] = sectionsOf(await run(c, s.toString()));
    return { mac: parseVxlan(link)?.mac ?? "" };
  },

  // The device and its flood entries, whatever its mark or kind (read, takeover and adopt derive from it).
  async look(c, i) {
    const [link, fdb] = sectionsOf(await run(c, showScript(linkShowDetails(undefined, i.name), bridgeFdbShow(undefined, i.name))));
    const any = link.trim() ? parseLink(link) : undefined;
    const live = parseVxlan(link);
    return {
      objects: [foundLink(`link ${i.name}`, any, "vxlan")],
      live: live && {
        vni: live.vni, local: live.local, device: live.device, port: live.port, bridge: live.master, mac: live.mac,
        peers: orderLike(parseFloodPeers(fdb ?? ""), i.peers),
        ...(i.mtu !== undefined ? { mtu: live.mtu } : {}),
      },
    };
  },
  markSteps: (i, mark) => [linkSetAlias(undefined, i.name, mark)],

  async update(c, olds, news) {
    const s = new Script();
    if (news.mtu !== undefined && news.mtu !== olds.mtu) s.step(linkSetMtu(undefined, news.name, news.mtu));
    if (news.bridge !== olds.bridge) s.step(news.bridge ? linkSetMaster(undefined, news.name, news.bridge) : linkSetNoMaster(undefined, news.name));
    // Peers come and go in place: only the flood entries that changed.
    for (const p of olds.peers ?? []) if (!news.peers.includes(p)) s.forgiving(bridgeFdbDel(undefined, news.name, p));
    for (const p of news.peers) if (!(olds.peers ?? []).includes(p)) s.step(bridgeFdbAppend(undefined, news.name, p), bridgeFdbDel(undefined, news.name, p));
    s.show(linkShowDetails(undefined, news.name));
    const [link] = sectionsOf(await run(c, s.toString()));
    return { mac: parseVxlan(link)?.mac ?? olds.mac };
  },

  async delete(c, state) {
    // The flood entries go with the link.
    await run(c, new Script().deleteIfOwned(ownedLinkProbe(undefined, state.name, markOf(state.owner)), linkDel(undefined, state.name)).toString());
  },
});

interface VxlanLive {
  alias?: string;
  mac: string;
  mtu: number;
  master?: string;
  vni: number;
  local: string;
  device?: string;
  port: number;
}

/** `ip -json -details link show` of a vxlan device; undefined if absent or of another kind. */
export function parseVxlan(json: string | undefined): VxlanLive | undefined {
  const start = json?.indexOf("[") ?? -1;
  if (!json || start < 0) return undefined;
  const l = (JSON.parse(json.slice(start, json.lastIndexOf("]") + 1)) as Array<Record<string, any>>)[0]; // eslint-disable-line @typescript-eslint/no-explicit-any
  const d = l?.linkinfo?.info_data;
  if (!l || l.linkinfo?.info_kind !== "vxlan" || !d) return undefined;
  return { alias: l.ifalias, mac: l.address, mtu: l.mtu, master: l.master, vni: d.id, local: d.local ?? d.local6, device: d.link, port: d.port };
}
