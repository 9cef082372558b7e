import type { Argv } from "../ssh/quote";

/** `ip netns add NAME` */
export const netnsAdd = (name: string): Argv => ["ip", "netns", "add", name];

/** `ip netns del NAME` */
export const netnsDel = (name: string): Argv => ["ip", "netns", "del", name];

/** `test -e /run/netns/NAME`: does the namespace exist (as `ip netns` sees it)? */
export const netnsExists = (name: string): Argv => ["test", "-e", `/run/netns/${name}`];
