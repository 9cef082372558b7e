import type { Argv } from "../ssh/quote";
import { ip } from "./command";
import { sysctlPromoteSecondaries } from "../sysctl/sysctl";
import type { Script } from "../ssh/script";

/** `ip [-n NS] addr add CIDR dev NAME` */
export const addrAdd = (ns: string | undefined, dev: string, cidr: string): Argv => ip(ns, "addr", "add", cidr, "dev", dev);

/** `ip [-n NS] addr del CIDR dev NAME` */
export const addrDel = (ns: string | undefined, dev: string, cidr: string): Argv => ip(ns, "addr", "del", cidr, "dev", dev);

/**
 * Steps that take a link from `olds` to `news` addresses without losing its routes: new
 * addresses first, then (IPv4) promote_secondaries so deleting the old primary keeps the
 * new one and the routes through it, then the old ones.
 */
export function addrChange(s: Script, ns: string | undefined, dev: string, olds: readonly string[], news: readonly string[]): void {
  for (const a of news) if (!olds.includes(a)) s.step(addrAdd(ns, dev, a));
  const gone = olds.filter((a) => !news.includes(a));
  if (gone.some((a) => !a.includes(":"))) s.step(sysctlPromoteSecondaries(ns, dev));
  for (const a of gone) s.step(addrDel(ns, dev, a));
}

/** `ip [-n NS] -json -details addr show dev NAME`: the link with its kind, alias, master and addresses (parse with state/link.ts). */
export const addrShow = (ns: string | undefined, dev: string): Argv => ip(ns, "-json", "-details", "addr", "show", "dev", dev);
