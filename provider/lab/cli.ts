/**
 * `npm run lab -- up [--nodes N] [--name X] [--index I] [--hardened] [--subnets S] | status [--name X] | down [--name X | --all]`
 * `--hardened`: FORWARD policy DROP and bridge-nf-call-iptables=1 in every VM; `--subnets S`: the
 * routed topology, VMs round-robin on S LAN subnets (indexes I..I+S-1) joined by a router namespace.
 * `up` prints the VMs' connection info as JSON on stdout; progress goes to stderr.
 */
import { parseArgs } from "node:util";
import { defaultLabName, labDown, labList, labStatus, labUp } from "./index";

const USAGE = `usage: lab up [--nodes N] [--name X] [--index I] [--hardened] [--subnets S]
       lab status [--name X]
       lab down [--name X | --all]`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      nodes: { type: "string" },
      name: { type: "string" },
      index: { type: "string" },
      all: { type: "boolean" },
      hardened: { type: "boolean" },
      subnets: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const cmd = positionals[0];
  if (values.help || !cmd || positionals.length > 1) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const int = (s: string | undefined, what: string): number | undefined => {
    if (s === undefined) return undefined;
    if (!/^\d+$/.test(s)) throw new Error(`--${what} must be a non-negative integer`);
    return Number(s);
  };
  const index = int(values.index, "index");
  const name = values.name ?? defaultLabName(index ?? 0);

  switch (cmd) {
    case "up": {
      const t0 = Date.now();
      const lab = await labUp({ name, index, nodes: int(values.nodes, "nodes") ?? 2, hardened: values.hardened, subnets: int(values.subnets, "subnets") });
      const where = lab.subnets.length > 1 ? `${lab.subnets.join(" + ")} (routed via ${lab.routerIps.join(", ")})` : `${lab.bridge} ${lab.subnet}`;
      console.error(`lab ${lab.name}: ${lab.vms.length} VM(s) up on ${where}${lab.hardened ? " (hardened)" : ""} in ${Date.now() - t0} ms`);
      console.log(JSON.stringify(lab.vms, null, 2));
      return 0;
    }
    case "status": {
      const names = values.name ? [values.name] : await labList();
      const all = await Promise.all(names.map(labStatus));
      console.log(JSON.stringify(all.map((s) => ({
        name: s.name, exists: s.exists, index: s.index, bridge: s.bridge, bridgeUp: s.bridgeUp,
        vms: s.vms.map((v) => ({ name: v.info.name, host: v.info.host, netns: v.info.netns, pid: v.pid,
          running: v.running, sshReady: v.sshReady, hostKeyFingerprint: v.info.hostKeyFingerprint })),
      })), null, 2));
      return all.every((s) => s.vms.every((v) => v.sshReady)) ? 0 : 1;
    }
    case "down": {
      const names = values.all ? await labList() : [name];
      for (const n of names) {
        const t0 = Date.now();
        await labDown(n);
        console.error(`lab ${n}: down in ${Date.now() - t0} ms`);
      }
      return 0;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
