import type { Argv } from "../ssh/quote";
import { ip } from "./ns";

/** `ip [-n NS] addr add CIDR dev NAME` */
export const addrAdd = (ns: string | undefined, dev: string, cidr: string): Argv => ip(ns, "addr", "add", cidr, "dev", dev);

/** `ip [-n NS] addr del CIDR dev NAME` */
export const addrDel = (ns: string | undefined, dev: string, cidr: string): Argv => ip(ns, "addr", "del", cidr, "dev", dev);
