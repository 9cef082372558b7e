import { z } from "zod";
import { connectionSchema, resolvedOrAsIs, storedConnection, targetOf, type ResolvedConnection } from "./ssh/connection";
import { pool } from "./ssh/pool";
import { SshDialError, SshExecError } from "./ssh/errors";
import { EXISTS, refusalOf } from "./ssh/script";
import { predecessorsOf } from "./expanded";
import type { Argv } from "./ssh/quote";
import { markOf, ownerName } from "./marker";
import { compact, equal } from "./props";

export { compact, equal };
import { differences, ExistsError, judge, markScript, type Look } from "./takeover";
import { containsUnknown } from "./validate/unknown";
import { toFailures, type CheckFailure } from "./validate/errors";

/** Every resource's inputs carry the connection to its host, and the common ownership inputs. */
export interface WithConnection {
  connection: ResolvedConnection;
  /** Who owns the objects (`project/stack/Type/name`, from the SDK): their mark is `pulumi-netns:<owner>`. Absent in state from the previous release. */
  owner?: string;
  /** Take over an existing unmarked object that matches the declaration exactly, instead of refusing it. */
  adopt?: boolean;
}

/** A resource's inputs after check: the common ones and what its schema outputs (derived, never written out). */
export type InputsOf<S extends z.ZodObject> = WithConnection & z.output<S>;

/** What one resource kind defines; `defineResource` turns it into a Pulumi dynamic provider. */
export interface ResourceDef<S extends z.ZodObject, O extends object, I extends WithConnection = InputsOf<S>> {
  kind: string;
  /** The zod schema of the resource's own inputs: the one source of their type and checks (defaults filled in by `check`). */
  schema: S;
  /** Checks across properties, run once every input is known: `fail(property, reason)` per problem (messages get the `Kind.property: ` prefix). */
  crossCheck?: (i: I, fail: Fail) => void;
  /** Inputs that cannot change in place. */
  replaceOn: ReadonlyArray<keyof I & string>;
  /** Nested parts that cannot change in place (e.g. "peer.name"), for inputs that are objects. */
  replacesOf?: (olds: I, news: I) => string[];
  /** Host-scoped identity of the object, e.g. "netns/NS1" (the ID adds the host). */
  idOf: (i: I) => string;
  /** Kernel names the object takes ("ns/name"): a replacement on the same host that reuses one must delete first. */
  namesOf: (i: I) => string[];
  /** Make the objects, marked `mark`; an object already there fails it with an "exists" refusal (Script.refuseIfExists). */
  create: (conn: ResolvedConnection, i: I, mark: string) => Promise<O>;
  /**
   * What is on the host under the resource's names, whatever the marks, with live values as `read`
   * reports them. With it, `read` is derived (only objects all carrying the state's mark) and create
   * takes over its own leftovers and adopts (see takeover.ts).
   */
  look?: (conn: ResolvedConnection, i: I) => Promise<Look<Partial<I> & O>>;
  /** Steps that put `mark` on every object (adopt, an owner change, an upgrade from the global mark). */
  markSteps?: (i: I, mark: string, look: Look<Partial<I> & O>) => Argv[];
  /** The mark the objects carry; default `markOf(i.owner)` (rules: their comment; `owner` is then neither needed nor diffed). */
  markFor?: (i: I) => string;
  /** Live state, or undefined when the object (ours) is gone (needed only without `look`). */
  read?: (conn: ResolvedConnection, state: I & O) => Promise<(Partial<I> & O) | undefined>;
  update: (conn: ResolvedConnection, olds: I & O, news: I) => Promise<O>;
  delete: (conn: ResolvedConnection, state: I & O) => Promise<void>;
}

type Props = Record<string, unknown>;

/** Reports one cross-property problem: the property to fix and what is wrong (with the fix). */
export type Fail = (property: string, reason: string) => void;

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

export function defineResource<S extends z.ZodObject, O extends object, I extends WithConnection = InputsOf<S>>(def: ResourceDef<S, O, NoInfer<I>>): DynamicProvider {
  const fields = def.schema.shape as Record<string, z.ZodType>;
  const fieldKeys = Object.keys(fields);
  const inputKeys = ["connection", "owner", "adopt", ...fieldKeys];
  const markFor = (i: I) => (def.markFor ? def.markFor(i) : markOf(i.owner));

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

  /** Create found objects under its names: take over, bring to spec, replace, adopt or refuse (takeover.ts). */
  const settle = async (c: ResolvedConnection, i: I, cause: unknown): Promise<O> => {
    const look = await def.look!(c, i);
    const mine = markFor(i);
    const judged = (l: typeof look) => judge(l, i as unknown as Props, mine, i.adopt === true, (live) => differences(live, i as unknown as Props, equal, fieldKeys), predecessorsOf(i.owner).map(markOf));
    let v = judged(look);
    let inherited = "";
    if (v.act === "inherit") {
      // Re-mark a predecessor's objects, then judge them as our own leftovers: what was found, with
      // the marks just written (the steps fail the script if one does not take; no second look).
      await run(c, markScript(def.markSteps!(i, mine, look)));
      inherited = `${v.note}; `;
      v = judged({ ...look, objects: look.objects.map((o) => (o.missing ? o : { ...o, mark: mine })) });
    }
    if (v.act === "inherit") throw new Error(`${def.kind} create ${def.idOf(i)} on ${targetOf(c)}: the objects still carry a predecessor's mark after re-marking them`);
    const live = look.live as O;
    const note = (n: string) => inherited + n;
    switch (v.act) {
      case "create":
        if (cause instanceof SshExecError || cause instanceof ExistsError) return def.create(c, i, mine); // gone meanwhile
        throw cause;
      case "refuse":
        throw new Error(`${def.kind} create ${def.idOf(i)} on ${targetOf(c)}: ${v.message}`);
      case "takeover":
        return { ...live, takeover: note(v.note) };
      case "update":
        return { ...(await def.update(c, { ...i, ...live }, i)), takeover: note(v.note) };
      case "replace":
        await def.delete(c, i as I & O);
        return { ...(await def.create(c, i, mine)), takeover: note(v.note) };
      case "mark":
        await run(c, markScript(def.markSteps!(i, mine, look)));
        return { ...live, takeover: note(v.note) };
    }
  };

  /** Read: the live values only when every object is there, of its kind, and carries the state's mark. */
  const readOwned = (look: Look<Partial<I> & O>, state: I): (Partial<I> & O) | undefined => {
    const mine = markFor(state);
    const ok = look.objects.every((o) => !o.missing && o.mark === mine && (!o.wantKind || o.kind === o.wantKind));
    return ok ? look.live : undefined;
  };

  return {
    async check(_olds, news) {
      const inputs: Props = {};
      const failures: CheckFailure[] = [];
      let unknown = false;
      const common: Array<[string, z.ZodType]> = [["connection", connectionSchema], ["owner", ownerName.optional()], ["adopt", adoptFlag]];
      for (const [key, schema] of [...common, ...Object.entries(fields)]) {
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
      if (!unknown && failures.length === 0 && def.crossCheck) {
        def.crossCheck(inputs as unknown as I, (property, reason) => failures.push({ property, reason: `${def.kind}.${property}: ${reason}` }));
      }
      return { inputs: compact(inputs), failures };
    },

    async diff(_id, olds, news) {
      const replaces: string[] = [];
      let changes = false;
      for (const key of inputKeys) {
        if (key === "adopt") continue; // only a create reads it: turning it on or off changes nothing on the host
        // Marked by something else (rules: their comment), the owner is not used: the SDK no longer
        // sends it, and state written before, which stored it, is not a change.
        if (key === "owner" && def.markFor) continue;
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
      const outs = await clean(c, `create ${def.idOf(i)}`, async () => {
        try {
          return await def.create(c, i, markFor(i));
        } catch (e) {
          if (def.look && (e instanceof ExistsError || (e instanceof SshExecError && refusalOf(e.stderr)?.startsWith(EXISTS)))) return settle(c, i, e);
          throw e;
        }
      });
      return { id: idFor(c, i), outs: compact({ ...inputs, ...outs }) };
    },

    async read(id, props) {
      const c = conn(props);
      const state = props as unknown as I & O;
      const live = def.look ? readOwned(await def.look(c, state), state) : await def.read!(c, state);
      if (!live) return { id: "", props: {} };
      return { id, props: compact({ ...props, ...live }) };
    },

    async update(_id, olds, news) {
      const c = conn(news);
      const remark = async () => {
        if (def.markSteps && markFor(olds as unknown as I) !== markFor(news as unknown as I)) {
          const look = await def.look!(c, { ...olds, ...news } as unknown as I);
          await run(c, markScript(def.markSteps(news as unknown as I, markFor(news as unknown as I), look)));
        }
      };
      // Only how we reach the host (or who owns it) changed (a rotated key, a re-pinned host key, sudo): nothing to do
      // on it, but prove the new connection works before state trusts it for later deletes and reads.
      if (fieldKeys.every((k) => equal(olds[k], news[k]))) {
        await run(c, "true");
        await remark();
        return { outs: compact({ ...olds, ...news }) };
      }
      // From what is live, not what state says: an interrupted update may have done part of it already.
      let base = olds as unknown as I & O;
      if (def.look) {
        const live = readOwned(await def.look(c, base), base);
        if (live) base = { ...base, ...live };
      }
      const outs = await clean(c, `update ${def.idOf(news as unknown as I)}`, () => def.update(c, base, news as unknown as I));
      await remark();
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

/** The common `adopt` input: off unless set. */
const adoptFlag = z.boolean({ error: "adopt must be true or false" }).optional();

/**
 * State written with another `__provider` text (earlier releases stored a serialized closure with
 * an absolute path) is updated in place, so the next delete or read runs the current, path-free text.
 */
export function providerTextChanged(olds: Props, news: Props): boolean {
  return typeof olds.__provider === "string" && typeof news.__provider === "string" && olds.__provider !== news.__provider;
}

/** What to do when a host is gone for good: nothing left to delete, but state still lists it. */
export const GONE_HOST_HELP =
  "If this host is gone for good, nothing is left to delete on it: remove ALL of its resources from state in one " +
  "command, `pulumi state delete --target-dependents --yes '<URN>' '<URN>' ...` (list them with `pulumi stack --show-urns`; " +
  "for a NodeNetwork, its component's URN alone covers its children), then run destroy again. " +
  "If the host is only down, bring it back and retry.";

/** Run a script over the pooled connection; non-zero exit throws (naming host, command, stderr). */
export function run(c: ResolvedConnection, script: string): Promise<string> {
  return pool.run(c, script);
}
