import { z } from "zod";
import { defineResource, run, type InputsOf } from "../resource";
import { where } from "../takeover";
import { routeAdd, routeDel, routeOwnedProbe, routeReplace, routeShow, type RouteSpec } from "../ip/route";
import { canonicalCidr, canonicalIpAddress, cidrNetwork, ifName, ipFamily, netnsName, parseCidr } from "../validate/net";
import { Script, sectionsOf, showScript } from "../ssh/script";
import { parseRecord, recordMarkIs, recordPath, recordRemove, recordShow, recordWrite } from "../state/record";
import { markOf, OWNER_MARK } from "../marker";
import { parseRoutes, type RouteState } from "../state/route";
import type { Reported } from "./reportedShape";

export type RouteOutputs = Reported["Route"];

const destination = z
  .string({ error: "destination must be \"default\" or a network in CIDR form, e.g. 172.16.1.0/24" })
  .refine((s) => s === "default" || parseCidr(s) !== undefined, "destination must be \"default\" or a network in CIDR form, e.g. 172.16.1.0/24")
  .refine((s) => s === "default" || cidrNetwork(s) === canonicalCidr(s), "destination must be a network address with its host bits zero, e.g. 172.16.1.0/24 (not 172.16.1.5/24)")
  .transform((s) => (s === "default" ? s : canonicalCidr(s)));

/** A route's inputs after check: the one source of RouteInputs (and of what RouteArgs may hold). */
export const routeSchema = z.object({
  destination,
  via: canonicalIpAddress.optional(),
  device: ifName.optional(),
  namespace: netnsName.optional(),
  metric: z.number().int("metric must be a whole number").min(0).max(4294967295).optional(),
  table: z.number().int("table must be a whole number").min(1, "table must be 1-4294967295 (254 is main)").max(4294967295).optional(),
});

export type RouteInputs = InputsOf<typeof routeSchema>;

export const routeProvider = defineResource({
  kind: "Route",
  schema: routeSchema,
  crossCheck: (i, fail) => {
    if (!i.via && !i.device) fail("via", "set via (a gateway) or device (or both)");
    const destFamily = i.destination === "default" ? undefined : parseCidr(i.destination)?.family;
    if (i.via && destFamily && ipFamily(i.via) !== destFamily) {
      fail("via", `gateway ${i.via} is IPv${ipFamily(i.via)} but destination ${i.destination} is IPv${destFamily}; use a gateway of the same family`);
    }
  },
  replaceOn: ["destination", "namespace", "metric", "table"],
  idOf: (i) => `route/${i.namespace ?? ""}/${i.table ?? "main"}/${i.destination}/${i.metric ?? ""}`,
  // The kernel's key: an unset table is main (254).
  namesOf: (i) => [`route/${i.namespace ?? ""}/${i.table ?? 254}/${familyOf(i)}/${i.destination}/${kernelMetric(i)}`],

  async create(c, i, mark): Promise<RouteOutputs> {
    const spec = specOf(i);
    const s = new Script()
      .stepRefusingOn(routeAdd(i.namespace, spec), "File exists",
        `a ${describe(i)} already exists`,
        routeDel(i.namespace, spec))
      .step(recordWrite(recordOf(i), mark), recordRemove(recordOf(i)))
      .show(routeShow(i.namespace, spec));
    const r = keyed(parseRoutes(sectionsOf(await run(c, s.toString()))[0]), i);
    return { actualDevice: r?.device ?? i.device ?? "" };
  },

  // A route has no field for a mark: ours carry protocol 157 and a record naming the owner (state/record.ts).
  async look(c, i) {
    const [routes, rec] = sectionsOf(await run(c, showScript(routeShow(i.namespace, specOf(i)), recordShow(recordOf(i)))));
    const r = keyed(parseRoutes(routes), i);
    // Protocol 157 without a record: made by the previous release (it kept none).
    const mark = r?.owned ? (parseRecord(rec)?.mark ?? OWNER_MARK) : undefined;
    return {
      objects: [{ what: describe(i), missing: !r, mark }],
      live: r && {
        destination: i.destination,
        ...(i.via !== undefined || r.via !== undefined ? { via: r.via } : {}),
        ...(i.device !== undefined ? { device: r.device } : {}),
        actualDevice: r.device ?? "",
      },
    };
  },
  // Adopting: `route replace` with the same spec only sets protocol 157; then the record.
  markSteps: (i, mark) => [routeReplace(i.namespace, specOf(i)), recordWrite(recordOf(i), mark)],

  async update(c, _olds, news) {
    const s = new Script().step(routeReplace(news.namespace, specOf(news))).show(routeShow(news.namespace, specOf(news)));
    return { actualDevice: keyed(parseRoutes(sectionsOf(await run(c, s.toString()))[0]), news)?.device ?? news.device ?? "" };
  },

  async delete(c, state) {
    const ours = recordMarkIs(recordOf(state), state.owner && markOf(state.owner));
    // The route if still ours; then our record, also when the route went out of band (it would outlive it).
    await run(c, new Script()
      .deleteIfOwned(`${routeOwnedProbe(state.namespace, specOf(state))} && ${ours}`, routeDel(state.namespace, specOf(state)))
      .deleteIfOwned(ours, recordRemove(recordOf(state))).toString());
  },
});

/** "route to DEST [metric M] in WHERE", for messages. */
function describe(i: RouteInputs): string {
  return `route to ${i.destination}${i.metric !== undefined ? ` metric ${i.metric}` : ""} in ${where(i.namespace)}`;
}

/** The route's record: one per kernel key (namespace, table, family, destination, metric). */
export function recordOf(i: RouteInputs): string {
  return recordPath("route", i.namespace, i.table ?? 254, familyOf(i), i.destination, kernelMetric(i));
}

function specOf(i: RouteInputs): RouteSpec {
  return { family: familyOf(i), destination: i.destination, via: i.via, device: i.device, metric: i.metric, table: i.table };
}

/** The route's family, from its destination or else its gateway ("default" via an IPv6 gateway is IPv6). */
function familyOf(i: Pick<RouteInputs, "destination" | "via">): 4 | 6 {
  const d = i.destination === "default" ? undefined : parseCidr(i.destination)?.family;
  return d ?? (i.via && ipFamily(i.via) === 6 ? 6 : 4);
}

/** The metric the kernel gives the route: the declared one, else its default, 0 (IPv4) or 1024 (IPv6). */
function kernelMetric(i: RouteInputs): number {
  return i.metric ?? (familyOf(i) === 6 ? 1024 : 0);
}

/** The route with the declared key among those to the destination, whoever made it (the kernel's default metric if unset). */
function keyed(routes: RouteState[], i: RouteInputs): RouteState | undefined {
  const metric = kernelMetric(i);
  return routes.find((r) => (r.metric ?? 0) === metric);
}
