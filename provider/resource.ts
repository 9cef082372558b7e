import { z } from "zod";
import { connectionSchema, resolvedOrAsIs, storedConnection, targetOf, type ResolvedConnection } from "./ssh/connection";
import { pool } from "./ssh/pool";
import { SshDialError, SshExecError } from "./ssh/errors";
import { refusalOf } from "./ssh/script";
import { containsUnknown } from "./validate/unknown";
import { toFailures, type CheckFailure } from "./validate/errors";

/** Every resource's inputs carry the connection to its host. */
export interface WithConnection {
  connection: ResolvedConnection;
}

/** What one resource kind defines; `defineResource` turns it into a Pulumi dynamic provider. */
export interface ResourceDef<I extends WithConnection, O extends object> {
  kind: string;
  /** One zod schema per input property (defaults filled in by `check`). */
  fields: { [K in keyof Omit<I, "connection">]-?: z.ZodType<I[K], unknown> };
  /** Checks across properties, run once every input is known. */
  crossCheck?: (i: I) => CheckFailure[];
  /** Inputs that cannot change in place. */
  replaceOn: ReadonlyArray<keyof I & string>;
  /** Nested parts that cannot change in place (e.g. "peer.name"), for inputs that are objects. */
  replacesOf?: (olds: I, news: I) => string[];
  /** Host-scoped identity of the object, e.g. "netns/NS1" (the ID adds the host). */
  idOf: (i: I) => string;
  /** Kernel names the object takes ("ns/name"): a replacement on the same host that reuses one must delete first. */
  namesOf: (i: I) => string[];
  create: (conn: ResolvedConnection, i: I) => Promise<O>;
  /** Live state, or undefined when the object (ours) is gone. */
  read: (conn: ResolvedConnection, state: I & O) => Promise<(Partial<I> & O) | undefined>;
  update: (conn: ResolvedConnection, olds: I & O, news: I) => Promise<O>;
  delete: (conn: ResolvedConnection, state: I & O) => Promise<void>;
}

type Props = Record<string, unknown>;

/** The Pulumi dynamic provider shape (kept structural: the core does not import the engine). */
export interface DynamicProvider {
  check(olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }>;
  diff(id: string, olds: Props, news: Props): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace: boolean }>;
  create(inputs: Props): Promise<{ id: string; outs: Props }>;
  read(id: string, props: Props): Promise<{ id?: string; props?: Props }>;
  update(id: string, olds: Props, news: Props): Promise<{ outs: Props }>;
  delete(id: string, props: Props): Promise<void>;
}

/**
 * Connection fields that say which machine: changing them means a different object.
 * The login user is not one of them: the same host reached as another user is updated in place.
 */
const WHERE = ["host", "port", "proxy"] as const;

export function defineResource<I extends WithConnection, O extends object>(def: ResourceDef<I, O>): DynamicProvider {
  const fieldKeys = Object.keys(def.fields);
  const inputKeys = ["connection", ...fieldKeys];

  const conn = (p: Props) => connectionSchema.parse(p.connection);
  const idFor = (c: ResolvedConnection, i: I) => `${c.host}:${c.port}/${def.idOf(i)}`;

  /** Turn our scripts' refusals into plain errors; keep other errors as they are (they name host and command). */
  const clean = async <T>(c: ResolvedConnection, what: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      if (e instanceof SshExecError) {
        const refusal = refusalOf(e.stderr);
        if (refusal) throw new Error(`${def.kind} ${what} on ${targetOf(c)}: ${refusal}`);
      }
      throw e;
    }
  };

  return {
    async check(_olds, news) {
      const inputs: Props = {};
      const failures: CheckFailure[] = [];
      let unknown = false;
      for (const [key, schema] of [["connection", connectionSchema] as const, ...Object.entries(def.fields) as [string, z.ZodType][]]) {
        const v = news[key];
        if (containsUnknown(v)) {
          unknown = true;
          inputs[key] = v;
          continue;
        }
        const r = (schema as z.ZodType).safeParse(v);
        if (r.success) inputs[key] = key === "connection" ? storedConnection(r.data as ResolvedConnection) : r.data;
        else failures.push(...toFailures(def.kind, r.error.issues.map((i) => ({ ...i, path: [key, ...i.path] }))));
      }
      for (const key of Object.keys(news)) {
        if (key !== "__provider" && !inputKeys.includes(key)) {
          failures.push({ property: key, reason: `${def.kind}.${key}: unknown property; expected one of ${inputKeys.join(", ")}` });
        }
      }
      if (!unknown && failures.length === 0 && def.crossCheck) failures.push(...def.crossCheck(inputs as unknown as I));
      return { inputs: compact(inputs), failures };
    },

    async diff(_id, olds, news) {
      const replaces: string[] = [];
      let changes = false;
      for (const key of inputKeys) {
        if (key === "connection") {
          const o = (resolvedOrAsIs(olds.connection) ?? {}) as Props;
          const n = (resolvedOrAsIs(news.connection) ?? {}) as Props;
          if (containsUnknown(news.connection) || WHERE.some((k) => !equal(o[k], n[k]))) {
            replaces.push("connection");
          } else if (!equal(o, n)) changes = true;
          continue;
        }
        if (!equal(olds[key], news[key])) {
          changes = true;
          if ((def.replaceOn as readonly string[]).includes(key)) replaces.push(key);
        }
      }
      if (def.replacesOf && !containsUnknown(news)) replaces.push(...def.replacesOf(olds as unknown as I, news as unknown as I));
      changes ||= replaces.length > 0 || providerTextChanged(olds, news);
      let deleteBeforeReplace = false;
      if (replaces.length > 0 && !replaces.includes("connection") && !containsUnknown(news)) {
        const before = new Set(def.namesOf(olds as unknown as I));
        deleteBeforeReplace = def.namesOf(news as unknown as I).some((n) => before.has(n));
      }
      return { changes, replaces, deleteBeforeReplace };
    },

    async create(inputs) {
      const c = conn(inputs);
      const i = inputs as unknown as I;
      const outs = await clean(c, `create ${def.idOf(i)}`, () => def.create(c, i));
      return { id: idFor(c, i), outs: compact({ ...inputs, ...outs }) };
    },

    async read(id, props) {
      const c = conn(props);
      const live = await def.read(c, props as unknown as I & O);
      if (!live) return { id: "", props: {} };
      return { id, props: compact({ ...props, ...live }) };
    },

    async update(_id, olds, news) {
      const c = conn(news);
      // Only how we reach the host changed (a rotated key, a re-pinned host key, sudo): nothing to do
      // on it, but prove the new connection works before state trusts it for later deletes and reads.
      if (fieldKeys.every((k) => equal(olds[k], news[k]))) {
        await run(c, "true");
        return { outs: compact({ ...olds, ...news }) };
      }
      const outs = await clean(c, `update ${def.idOf(news as unknown as I)}`, () => def.update(c, olds as unknown as I & O, news as unknown as I));
      return { outs: compact({ ...news, ...outs }) };
    },

    async delete(_id, props) {
      const c = conn(props);
      try {
        await clean(c, `delete ${def.idOf(props as unknown as I)}`, () => def.delete(c, props as unknown as I & O));
      } catch (e) {
        if (e instanceof SshDialError) throw new Error(`${e.message}\n${GONE_HOST_HELP}`);
        throw e;
      }
    },
  };
}

/**
 * State written with another `__provider` text (earlier releases stored a serialized closure with
 * an absolute path) is updated in place, so the next delete or read runs the current, path-free text.
 */
export function providerTextChanged(olds: Props, news: Props): boolean {
  return typeof olds.__provider === "string" && typeof news.__provider === "string" && olds.__provider !== news.__provider;
}

/** Drop undefined values (deeply): Pulumi's wire format (protobuf Struct) has no undefined. */
export function compact<T>(v: T): T {
  if (Array.isArray(v)) return v.map(compact) as T;
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, compact(x)])) as T;
  }
  return v;
}

/** What to do when a host is gone for good: nothing left to delete, but state still lists it. */
export const GONE_HOST_HELP =
  "If this host is gone for good, nothing is left to delete on it: remove ALL of its resources from state in one " +
  "command, `pulumi state delete --target-dependents --yes '<URN>' '<URN>' ...` (list them with `pulumi stack --show-urns`; " +
  "for a NodeNetwork, its component's URN alone covers its children), then run destroy again. " +
  "If the host is only down, bring it back and retry.";

/** Structural equality of JSON values; undefined and absent are the same. */
export function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return a == b;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]));
  }
  if (typeof a === "object" && typeof b === "object") {
    const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
    return [...keys].every((k) => equal((a as Props)[k], (b as Props)[k]));
  }
  return false;
}

/** Run a script over the pooled connection; non-zero exit throws (naming host, command, stderr). */
export function run(c: ResolvedConnection, script: string): Promise<string> {
  return pool.run(c, script);
}
