import { ROUTE_PROTO } from "../ip/route";

/** One route from `ip -json route show ... exact DEST`. */
export interface RouteState {
  destination: string;
  via?: string;
  device?: string;
  metric?: number;
  owned: boolean;
}

interface IpRouteJson {
  dst: string;
  gateway?: string;
  dev?: string;
  metric?: number;
  protocol?: string;
}

export function parseRoutes(json: string): RouteState[] {
  return (JSON.parse(json || "[]") as IpRouteJson[]).map((r) => ({
    destination: r.dst,
    via: r.gateway,
    device: r.dev,
    metric: r.metric,
    owned: r.protocol === ROUTE_PROTO,
  }));
}
