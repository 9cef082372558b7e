import { z } from "zod";
import { defineResource, run, type WithConnection } from "../resource";
import { netnsAdd, netnsDel, netnsExists } from "../ip/netns";
import { linkSetAlias, linkSetUp } from "../ip/link";
import { addrShow } from "../ip/addr";
import { netnsName } from "../validate/net";
import { Script } from "../ssh/script";
import { shellJoin } from "../ssh/quote";
import { parseLink } from "../state/link";
import { OWNER_MARK, ownedLinkProbe } from "../marker";

/** A namespace's inputs after check: the one source of NetNamespaceInputs (and of what NetNamespaceArgs may hold). */
export const netNamespaceSchema = z.object({ name: netnsName, loopbackUp: z.boolean().default(true) });

export type NetNamespaceInputs = WithConnection & z.output<typeof netNamespaceSchema>;

export interface NetNamespaceOutputs {
  loopbackUp: boolean;
}

export const netNamespaceProvider = defineResource<NetNamespaceInputs, NetNamespaceOutputs>({
  kind: "NetNamespace",
  fields: netNamespaceSchema.shape,
  replaceOn: ["name"],
  idOf: (i) => `netns/${i.name}`,
  namesOf: (i) => [`netns/${i.name}`],

  async create(c, i) {
    const s = new Script()
      .refuseIf(netnsExists(i.name), `namespace ${i.name} already exists and is not managed by this resource; delete it or choose another name`)
      .step(netnsAdd(i.name), netnsDel(i.name))
      .step(linkSetAlias(i.name, "lo", OWNER_MARK));
    if (i.loopbackUp) s.step(linkSetUp(i.name, "lo"));
    await run(c, s.toString());
    return { loopbackUp: i.loopbackUp };
  },

  async read(c, state) {
    const out = await run(c, `${shellJoin(addrShow(state.name, "lo"))} 2>/dev/null || true`);
    const lo = parseLink(out);
    if (!lo || lo.alias !== OWNER_MARK) return undefined;
    return { name: state.name, loopbackUp: lo.up };
  },

  async update(c, _olds, news) {
    await run(c, shellJoin(linkSetUp(news.name, "lo", news.loopbackUp)));
    return { loopbackUp: news.loopbackUp };
  },

  async delete(c, state) {
    // Gone already, or not ours (replaced out of band): nothing to do.
    await run(c, `if ${ownedLinkProbe(state.name, "lo")}; then ${shellJoin(netnsDel(state.name))}; fi`);
  },
});
