/** Typed view of `ip -json -details addr show dev NAME` (iproute2's JSON, not its human output). */
export interface LinkState {
  name: string;
  kind?: string;
  alias?: string;
  master?: string;
  mtu: number;
  /** Administratively up (IFF_UP), whatever the carrier. */
  up: boolean;
  mac: string;
  /** Global-scope addresses as "ip/prefix" (link-local ones are the kernel's, not ours). */
  addresses: string[];
  stp?: boolean;
}

interface IpAddrJson {
  ifname: string;
  flags?: string[];
  mtu: number;
  address?: string;
  master?: string;
  ifalias?: string;
  linkinfo?: { info_kind?: string; info_data?: { stp_state?: number } };
  addr_info?: Array<{ local: string; prefixlen: number; scope?: string }>;
}

export function parseLink(json: string): LinkState | undefined {
  const list = JSON.parse(json || "[]") as IpAddrJson[];
  const l = list[0];
  if (!l) return undefined;
  return {
    name: l.ifname,
    kind: l.linkinfo?.info_kind,
    alias: l.ifalias,
    master: l.master,
    mtu: l.mtu,
    up: (l.flags ?? []).includes("UP"),
    mac: l.address ?? "",
    addresses: (l.addr_info ?? []).filter((a) => a.scope !== "link" && a.scope !== "host").map((a) => `${a.local}/${a.prefixlen}`),
    stp: l.linkinfo?.info_data?.stp_state === undefined ? undefined : l.linkinfo.info_data.stp_state !== 0,
  };
}

/** Live items ordered like the declared ones, extras last, so an unchanged set never shows as a diff. */
export function orderLike(live: readonly string[], declared: readonly string[] = []): string[] {
  const rest = live.filter((x) => !declared.includes(x));
  return [...declared.filter((x) => live.includes(x)), ...rest];
}
