import { bigIntToIp, cidrContains, cidrNetwork, ipFamily, ipToBigInt, parseCidr } from "../../provider/validate/ip";

/**
 * Subnet arithmetic for components, which run in the program: errors are thrown from the
 * constructor, before any resource is registered, naming the argument (`what`).
 */

/** Validate a subnet in network form and return its first host (the bridge's gateway address) and prefix. */
export function firstHost(subnet: string, what: string): { gateway: string; prefix: number; network: string } {
  const c = parseCidr(subnet);
  if (!c) throw new Error(`${what}: ${JSON.stringify(subnet)} is not a network in CIDR form, e.g. 172.16.0.0/24`);
  const network = cidrNetwork(subnet) as string;
  if (network !== `${bigIntToIp(ipToBigInt(c.ip), c.family)}/${c.prefix}`) {
    throw new Error(`${what}: ${subnet} has host bits set; use the network address ${network}`);
  }
  const bits = c.family === 4 ? 32 : 128;
  if (bits - c.prefix < 2) throw new Error(`${what}: ${subnet} is too small for a gateway and a namespace; use a prefix of /${bits - 2} or shorter`);
  return { gateway: bigIntToIp(ipToBigInt(c.ip) + 1n, c.family), prefix: c.prefix, network };
}

/** Do two networks overlap (one contains the other's network address)? */
export function overlaps(a: string, b: string): boolean {
  const pa = parseCidr(a), pb = parseCidr(b);
  if (!pa || !pb || pa.family !== pb.family) return false;
  return cidrContains(a, pb.ip) || cidrContains(b, pa.ip);
}

/** An address (no prefix) inside `subnet`, neither its network nor (IPv4) broadcast address. */
export function checkHostIn(address: string, subnet: string, what: string): void {
  const fam = ipFamily(address);
  if (fam === 0) throw new Error(`${what}: ${JSON.stringify(address)} is not an IP address (give it without prefix, e.g. 172.16.0.2)`);
  if (!cidrContains(subnet, address)) throw new Error(`${what}: ${address} is outside the subnet ${subnet}`);
  const c = parseCidr(subnet)!;
  const n = ipToBigInt(address), base = ipToBigInt(c.ip);
  const last = base + (1n << BigInt((fam === 4 ? 32 : 128) - c.prefix)) - 1n;
  if (n === base || (fam === 4 && n === last)) throw new Error(`${what}: ${address} is the network or broadcast address of ${subnet}; pick a host address`);
}
