import { createHash } from "node:crypto";

/**
 * A MAC address that stays the same when an object is recreated: locally administered,
 * unicast, from a hash of where the link lives. With random MACs, a recreated veth or
 * bridge is unreachable until neighbours' ARP caches expire (tens of seconds).
 */
export function stableMac(...parts: string[]): string {
  const b = createHash("sha256").update(parts.join("\0")).digest();
  b[0] = (b[0] & 0xfc) | 0x02; // locally administered, unicast
  return [...b.subarray(0, 6)].map((x) => x.toString(16).padStart(2, "0")).join(":");
}
