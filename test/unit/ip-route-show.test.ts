import test from "ava";
import { routeShow } from "../../provider/ip/route";
import { shellJoin } from "../../provider/ssh/quote";
import { parseRoutes } from "../../provider/state/route";
import { sh } from "./support";

/** Run a command line as the pool does (sbin on PATH, C locale); read-only, needs no root. */
const run = (cmd: string) => sh(`export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin" LC_ALL=C; ${cmd}`).stdout.toString("utf8");

const hasIp = sh(`export PATH="$PATH:/usr/sbin:/sbin"; command -v ip`).code === 0;
// Independent oracle: does this machine have the IPv6 loopback route in its local table?
const hasV6Loopback = hasIp && run("ip -6 -json route show table local exact ::1/128 2>/dev/null").includes('"dst":"::1"');

(hasIp ? test : test.skip)("routeShow finds an existing IPv4 route (local table 127.0.0.0/8)", (t) => {
  const routes = parseRoutes(run(shellJoin(routeShow(undefined, { destination: "127.0.0.0/8", table: "local" }))));
  t.deepEqual(routes.map((r) => [r.destination, r.device]), [["127.0.0.0/8", "lo"]]);
});

// Regression test for a fixed bug (provider/ip/route.ts:43-44, routeShow): `ip route show table T ...` without -6 lists IPv4 routes only
// (iproute2 falls back to AF_INET when a table is given), even with `exact <IPv6 prefix>`. So for an IPv6 Route
// (or destination "default" with an IPv6 gateway) create/update report no actualDevice, read reports the route gone
// (Pulumi then tries to recreate it: "File exists"), and delete's ownership probe never matches, leaking the route.
// Expected: the command lists the IPv6 route (e.g. pass -6 when the destination or via is IPv6).
(hasV6Loopback ? test : test.skip)("routeShow finds an existing IPv6 route (local table ::1/128)", (t) => {
  const routes = parseRoutes(run(shellJoin(routeShow(undefined, { destination: "::1/128", table: "local" }))));
  t.deepEqual(routes.map((r) => [r.destination, r.device]), [["::1", "lo"]]);
});
