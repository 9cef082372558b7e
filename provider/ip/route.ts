import type { Argv } from "../ssh/quote";
import { ip } from "./command";
import { shellJoin, shellQuote } from "../ssh/quote";

/**
 * Routes we own carry this protocol number (RTPROT), so read and delete never
 * touch a route someone else made, even one with the same destination.
 */
export const ROUTE_PROTO = "157";

export interface RouteSpec {
  /** 6 for IPv6 routes: `ip route show` lists IPv4 only unless told `-6`. */
  family?: 4 | 6;
  destination: string;
  via?: string;
  device?: string;
  metric?: number;
  table?: number | string;
}

function routeArgs(r: RouteSpec): string[] {
  return [
    r.destination,
    ...(r.via ? ["via", r.via] : []),
    ...(r.device ? ["dev", r.device] : []),
    ...(r.metric !== undefined ? ["metric", String(r.metric)] : []),
    ...(r.table !== undefined ? ["table", String(r.table)] : []),
    "proto", ROUTE_PROTO,
  ];
}

/** `ip [-n NS] route add DEST [via GW] [dev DEV] [metric M] [table T] proto 157` */
export const routeAdd = (ns: string | undefined, r: RouteSpec): Argv => ip(ns, "route", "add", ...routeArgs(r));

/** `ip [-n NS] route replace ...`: change gateway or device in place. */
export const routeReplace = (ns: string | undefined, r: RouteSpec): Argv => ip(ns, "route", "replace", ...routeArgs(r));

/** `ip [-n NS] route del DEST [metric M] [table T] proto 157` */
export const routeDel = (ns: string | undefined, r: RouteSpec): Argv =>
  ip(ns, "route", "del", r.destination,
    ...(r.metric !== undefined ? ["metric", String(r.metric)] : []),
    ...(r.table !== undefined ? ["table", String(r.table)] : []),
    "proto", ROUTE_PROTO);

/** `ip [-n NS] [-6] -json route show table T exact DEST`: every route to DEST, ours or not. */
export const routeShow = (ns: string | undefined, r: Pick<RouteSpec, "destination" | "table" | "family">): Argv =>
  ip(ns, ...(r.family === 6 || r.destination.includes(":") ? ["-6"] : []), "-json", "route", "show", "table", String(r.table ?? "main"), "exact", r.destination);

/** Shell condition: a route to DEST with protocol 157 (ours) exists: `ip ... route show ... exact DEST | grep '"protocol":"157"'`. */
export function routeOwnedProbe(ns: string | undefined, r: Pick<RouteSpec, "destination" | "table" | "family">): string {
  return `${shellJoin(routeShow(ns, r))} 2>/dev/null | grep -qF ${shellQuote(`"protocol":"${ROUTE_PROTO}"`)}`;
}
