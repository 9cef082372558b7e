import { z } from "zod";
import { defineResource, run, type WithConnection } from "../resource";
import { ROUTE_PROTO, routeAdd, routeDel, routeReplace, routeShow, type RouteSpec } from "../ip/route";
import { canonicalCidr, cidrNetwork, ifName, ipAddress, ipFamily, netnsName, parseCidr, bigIntToIp, ipToBigInt } from "../validate/net";
import { shellJoin, shellQuote } from "../ssh/quote";
import { PREFIX } from "../ssh/script";
import { parseRoutes, type RouteState } from "../state/route";
import type { CheckFailure } from "../validate/errors";

export type RouteInputs = WithConnection & z.output<typeof routeSchema>;

export interface RouteOutputs {
  /** The device the kernel chose (or the one declared). */
  actualDevice: string;
}

const destination = z
  .string({ error: "destination must be \"default\" or a network in CIDR form, e.g. 172.16.1.0/24" })
  .refine((s) => s === "default" || parseCidr(s) !== undefined, "destination must be \"default\" or a network in CIDR form, e.g. 172.16.1.0/24")
  .refine((s) => s === "default" || cidrNetwork(s) === canonicalCidr(s), "destination must be a network address with its host bits zero, e.g. 172.16.1.0/24 (not 172.16.1.5/24)")
  .transform((s) => (s === "default" ? s : canonicalCidr(s)));

const via = ipAddress.transform((s) => bigIntToIp(ipToBigInt(s), ipFamily(s) as 4 | 6));

/** A route's inputs after check: the one source of RouteInputs (and of what RouteArgs may hold). */
export const routeSchema = z.object({
  destination,
  via: via.optional(),
  device: ifName.optional(),
  namespace: netnsName.optional(),
  metric: z.number().int("metric must be a whole number").min(0).max(4294967295).optional(),
  table: z.number().int("table must be a whole number").min(1, "table must be 1-4294967295 (254 is main)").max(4294967295).optional(),
});

export const routeProvider = defineResource<RouteInputs, RouteOutputs>({
  kind: "Route",
  fields: routeSchema.shape,
  crossCheck: (i) => {
    const f: CheckFailure[] = [];
    if (!i.via && !i.device) f.push({ property: "via", reason: "Route.via: set via (a gateway) or device (or both)" });
    const destFamily = i.destination === "default" ? undefined : parseCidr(i.destination)?.family;
    if (i.via && destFamily && ipFamily(i.via) !== destFamily) {
      f.push({ property: "via", reason: `Route.via: gateway ${i.via} is IPv${ipFamily(i.via)} but destination ${i.destination} is IPv${destFamily}; use a gateway of the same family` });
    }
    return f;
  },
  replaceOn: ["destination", "namespace", "metric", "table"],
  idOf: (i) => `route/${i.namespace ?? ""}/${i.table ?? "main"}/${i.destination}/${i.metric ?? ""}`,
  // The kernel's key: an unset metric is 0 (IPv4) or 1024 (IPv6), an unset table is main (254).
  namesOf: (i) => [`route/${i.namespace ?? ""}/${i.table ?? 254}/${familyOf(i)}/${i.destination}/${i.metric ?? (familyOf(i) === 6 ? 1024 : 0)}`],

  async create(c, i) {
    const spec = specOf(i);
    const add = shellJoin(routeAdd(i.namespace, spec));
    const taken = `${PREFIX}a route to ${i.destination}${i.metric !== undefined ? ` metric ${i.metric}` : ""} already exists in ${i.namespace ? `namespace ${i.namespace}` : "the host namespace"} and is not managed by this resource; remove it or use another metric`;
    const script = [
      `out=$(${add} 2>&1) || { case "$out" in *"File exists"*) printf '%s\\n' ${shellQuote(taken)} >&2;; *) printf '%s\\n' "$out" >&2;; esac; exit 3; }`,
      shellJoin(routeShow(i.namespace, spec)),
    ].join("\n");
    const r = ours(parseRoutes(await run(c, script)), i);
    return { actualDevice: r?.device ?? i.device ?? "" };
  },

  async read(c, state) {
    const r = ours(parseRoutes(await run(c, `${shellJoin(routeShow(state.namespace, specOf(state)))} 2>/dev/null || echo '[]'`)), state);
    if (!r) return undefined;
    return {
      destination: state.destination,
      ...(state.via !== undefined || r.via !== undefined ? { via: r.via } : {}),
      ...(state.device !== undefined ? { device: r.device } : {}),
      actualDevice: r.device ?? "",
    };
  },

  async update(c, _olds, news) {
    const out = await run(c, [shellJoin(routeReplace(news.namespace, specOf(news))), shellJoin(routeShow(news.namespace, specOf(news)))].join("\n"));
    return { actualDevice: ours(parseRoutes(out), news)?.device ?? news.device ?? "" };
  },

  async delete(c, state) {
    const probe = `${shellJoin(routeShow(state.namespace, specOf(state)))} 2>/dev/null | grep -qF ${shellQuote(`"protocol":"${ROUTE_PROTO}"`)}`;
    await run(c, `if ${probe}; then ${shellJoin(routeDel(state.namespace, specOf(state)))}; fi`);
  },
});

function specOf(i: RouteInputs): RouteSpec {
  return { family: familyOf(i), destination: i.destination, via: i.via, device: i.device, metric: i.metric, table: i.table };
}

/** The route's family, from its destination or else its gateway ("default" via an IPv6 gateway is IPv6). */
function familyOf(i: Pick<RouteInputs, "destination" | "via">): 4 | 6 {
  const d = i.destination === "default" ? undefined : parseCidr(i.destination)?.family;
  return d ?? (i.via && ipFamily(i.via) === 6 ? 6 : 4);
}

/** Our route among those to the destination: our protocol, and the declared metric if any. */
function ours(routes: RouteState[], i: RouteInputs): RouteState | undefined {
  return routes.find((r) => r.owned && (i.metric === undefined || r.metric === i.metric));
}
