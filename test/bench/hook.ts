/**
 * Profiling hook for the engine's dynamic-provider process, loaded with
 * NODE_OPTIONS=--require <this file> by the bench's Pulumi runner. Inert unless
 * PULUMI_NETNS_BENCH_PROFILE names a folder and this process is the dynamic provider host.
 *
 * It wraps, in place, every provider method of the core (dist/provider, the very module
 * instance the serialized SDK providers load) and the pool's exec/dial, and appends one
 * JSON line per call (epoch ms start/end) to <folder>/provider-<pid>.jsonl. Costs a few
 * microseconds per call. Nothing of the project's source is changed.
 */
import * as fs from "node:fs";
import * as path from "node:path";

type Fn = (...args: unknown[]) => Promise<unknown>;

const dir = process.env.PULUMI_NETNS_BENCH_PROFILE;
if (dir && process.argv.some((a) => a.includes("dynamic-provider"))) install(dir);
else if (dir) {
  // Our language host runs `node …/@pulumi/pulumi/cmd/run`, the standard one `…/cmd/run/index.js`.
  const m = /^(.*[/\\]@pulumi[/\\]pulumi)[/\\]cmd[/\\]run(?:[/\\]index\.js)?$/.exec(process.argv[1] ?? "");
  if (m) installProgram(dir, m[1]);
}

/**
 * In the program's process (@pulumi/pulumi/cmd/run): when each resource registration
 * starts, and how long the dynamic providers' closure serialization takes.
 */
function installProgram(folder: string, pulumiRoot: string): void {
  const out = path.join(folder, `program-${process.pid}.jsonl`);
  const now = () => performance.timeOrigin + performance.now();
  const log = (rec: Record<string, unknown>) => fs.appendFileSync(out, JSON.stringify(rec) + "\n");
  log({ t: "pstart", s: performance.timeOrigin, e: now() });
  const res = require(path.join(pulumiRoot, "runtime", "resource")) as Record<string, (...a: unknown[]) => unknown>;
  const reg = res.registerResource;
  res.registerResource = function (this: unknown, ...a: unknown[]) {
    const s = now();
    log({ t: "register", s, e: s, custom: a[4] });
    return reg.apply(this, a);
  };
  const sc = require(path.join(pulumiRoot, "runtime", "closure", "serializeClosure")) as Record<string, Fn>;
  const ser = sc.serializeFunction;
  sc.serializeFunction = async function (this: unknown, ...a: unknown[]) {
    const s = now();
    try {
      return await ser.apply(this, a);
    } finally {
      log({ t: "serialize", s, e: now() });
    }
  };
}

function install(folder: string): void {
  const out = path.join(folder, `provider-${process.pid}.jsonl`);
  const now = () => performance.timeOrigin + performance.now();
  const log = (rec: Record<string, unknown>) => fs.appendFileSync(out, JSON.stringify(rec) + "\n");
  const timed = (f: Fn, rec: (args: unknown[]) => Record<string, unknown>): Fn =>
    async function (this: unknown, ...args: unknown[]) {
      const s = now();
      let ok = false;
      try {
        const r = await f.apply(this, args);
        ok = true;
        return r;
      } finally {
        log({ ...rec(args), s, e: now(), ok });
      }
    };

  log({ t: "start", s: performance.timeOrigin, e: now(), pid: process.pid, ppid: process.ppid });
  // The engine's calls into this process (GetPluginInfo, Configure, Create, Delete...): from the
  // gRPC server's service handlers. And when the process announced its port (its first stdout write), and its exit.
  const { createRequire } = require("node:module") as typeof import("node:module");
  const grpc = createRequire(process.argv[1] ?? __filename)("@grpc/grpc-js") as { Server: { prototype: { addService: (service: unknown, impl: Record<string, unknown>) => void } } };
  const addService = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (this: unknown, service: unknown, impl: Record<string, unknown>) {
    // A proxy: the handlers may be methods on a prototype (not own properties).
    const wrapped = new Proxy(impl, {
      get(target, name, recv) {
        const f = Reflect.get(target, name, recv) as unknown;
        if (typeof f !== "function" || typeof name !== "string") return f;
        return function (this: unknown, call: unknown, cb: (...a: unknown[]) => void) {
          const s = now();
          return (f as (...a: unknown[]) => unknown).call(target, call, (...r: unknown[]) => {
            log({ t: "rpc", op: name, s, e: now() });
            cb(...r);
          });
        };
      },
    });
    return addService.call(this, service, wrapped);
  };
  const write = process.stdout.write.bind(process.stdout) as (...a: unknown[]) => boolean;
  process.stdout.write = function (...a: unknown[]) {
    process.stdout.write = write as typeof process.stdout.write;
    const s = now();
    log({ t: "ready", s, e: s, pid: process.pid });
    return write(...a);
  } as typeof process.stdout.write;
  process.on("exit", () => log({ t: "exit", s: now(), e: now() }));
  const root = path.resolve(__dirname, "..", "..", "provider"); // dist/provider
  const poolMod = require(path.join(root, "ssh", "pool")) as { SshPool: { prototype: Record<string, Fn> } };
  const proto = poolMod.SshPool.prototype;
  proto.exec = timed(proto.exec, (a) => ({ t: "exec", host: (a[0] as { host?: string }).host }));
  proto.dial = timed(proto.dial, (a) => ({ t: "dial", host: (a[0] as { host?: string }).host }));
  const core = require(root) as Record<string, Record<string, Fn>>;
  for (const [kind, prov] of Object.entries(core)) {
    if (!kind.endsWith("Provider") || typeof prov?.create !== "function") continue;
    for (const op of ["check", "diff", "create", "read", "update", "delete"]) {
      if (typeof prov[op] === "function") prov[op] = timed(prov[op].bind(prov), () => ({ t: "op", kind, op }));
    }
  }
}
