import { z } from "zod";
import { foundLink } from "../takeover";
import { defineResource, run } from "../resource";
import { netnsAdd, netnsDel, netnsExists } from "../ip/netns";
import { linkSetAlias, linkSetUp } from "../ip/link";
import { addrShow } from "../ip/addr";
import { netnsName } from "../validate/net";
import { Script, sectionsOf, showScript } from "../ssh/script";
import { parseLink } from "../state/link";
import { markOf, ownedLinkProbe } from "../marker";

/** A namespace's inputs after check: the one source of their type (and of what NetNamespaceArgs may hold). */
export const netNamespaceSchema = z.object({ name: netnsName, loopbackUp: z.boolean().default(true) });

export const netNamespaceProvider = defineResource({
  kind: "NetNamespace",
  schema: netNamespaceSchema,
  replaceOn: ["name"],
  idOf: (i) => `netns/${i.name}`,
  namesOf: (i) => [`netns/${i.name}`],

  async create(c, i, mark) {
    const s = new Script()
      .refuseIfExists(netnsExists(i.name), `namespace ${i.name} already exists`)
      .step(netnsAdd(i.name), netnsDel(i.name))
      .step(linkSetAlias(i.name, "lo", mark));
    if (i.loopbackUp) s.step(linkSetUp(i.name, "lo"));
    await run(c, s.toString());
    return { loopbackUp: i.loopbackUp };
  },

  // The namespace's mark is the alias of its `lo` (a namespace has no field of its own).
  async look(c, i) {
    const [lo] = sectionsOf(await run(c, showScript(addrShow(i.name, "lo")))).map(parseLink);
    return {
      objects: [foundLink(`namespace ${i.name}`, lo)],
      live: lo && { name: i.name, loopbackUp: lo.up },
    };
  },
  markSteps: (i, mark) => [linkSetAlias(i.name, "lo", mark)],

  async update(c, _olds, news) {
    await run(c, new Script().step(linkSetUp(news.name, "lo", news.loopbackUp)).toString());
    return { loopbackUp: news.loopbackUp };
  },

  async delete(c, state) {
    // Gone already, or not ours (replaced out of band): nothing to do.
    await run(c, new Script().deleteIfOwned(ownedLinkProbe(state.name, "lo", markOf(state.owner)), netnsDel(state.name)).toString());
  },
});
