import { z } from "zod";
import { defineResource, run, type InputsOf } from "../resource";
import { sysctlGet, sysctlIs, sysctlSet } from "../sysctl/sysctl";
import { netnsName } from "../validate/net";
import { Script, sectionsOf, showScript } from "../ssh/script";
import { parseRecord, recordMarkIs, recordPath, recordRemove, recordShow, recordWrite } from "../state/record";
import { markOf, OWNER_MARK } from "../marker";
import type { Reported } from "./reportedShape";

export type SysctlOutputs = Reported["Sysctl"];

/** sysctl prints multi-value keys with tabs; compare them with single spaces. */
const norm = (s: string) => s.trim().replace(/\s+/g, " ");

/** A sysctl value as `sysctl -w` takes it; `what` names the property in its messages. */
const sysctlValue = (what: string) => z
  .union([z.string(), z.number().transform(String)], { error: `${what} must be a string or a number, e.g. "1"` })
  .pipe(z.string().regex(/^[A-Za-z0-9 \t_.:,/+-]{1,256}$/, `${what} may contain only letters, digits, spaces and _.:,/+- (at most 256)`))
  .transform(norm);

/** A sysctl's inputs after check: the one source of SysctlInputs (and of what SysctlArgs may hold). */
export const sysctlSchema = z.object({
  key: z.string().regex(/^[a-z0-9_]+(\.[A-Za-z0-9_-]+)+$/, "key must be a dotted sysctl name such as net.ipv4.ip_forward"),
  value: sysctlValue("value"),
  namespace: netnsName.optional(),
  /** The value to restore on delete instead of the one found at create (e.g. adopting a value set by hand). */
  restoreTo: sysctlValue("restoreTo").optional(),
});

export type SysctlInputs = InputsOf<typeof sysctlSchema>;

export const sysctlProvider = defineResource({
  kind: "Sysctl",
  schema: sysctlSchema,
  replaceOn: ["key", "namespace"],
  idOf: (i) => `sysctl/${i.namespace ?? ""}/${i.key}`,
  namesOf: (i) => [`sysctl/${i.namespace ?? ""}/${i.key}`],

  async create(c, i, mark): Promise<SysctlOutputs> {
    const rec = recordOf(i);
    // The record keeps the owner and the value before ours (restored on delete); it is written first, from the live value.
    const s = new Script()
      .refuseIfExists(["test", "-e", rec], `${describe(i)} is already set by pulumi-netns`)
      .step(recordWrite(rec, mark, i.restoreTo !== undefined ? ["printf", "%s\\n", i.restoreTo] : sysctlGet(i.namespace, i.key)), recordRemove(rec))
      .step(sysctlSet(i.namespace, i.key, i.value))
      .show(recordShow(rec));
    return { previous: norm(parseRecord(sectionsOf(await run(c, s.toString()))[0])?.rest[0] ?? "") };
  },

  // A sysctl has no field for a mark: the record under /run/pulumi-netns names the owner (state/record.ts).
  async look(c, i) {
    const [value, rec] = sectionsOf(await run(c, showScript(sysctlGet(i.namespace, i.key), recordShow(recordOf(i)))));
    const r = parseRecord(rec);
    return {
      // No record: the previous release's (it kept none), or nobody's; a create never gets here without one.
      objects: [{ what: describe(i), missing: value === "", mark: r?.mark ?? OWNER_MARK }],
      live: value === "" ? undefined : { value: norm(value), previous: r ? norm(r.rest[0] ?? "") : (i as SysctlInputs & Partial<SysctlOutputs>).previous ?? "" },
    };
  },
  // The value to restore stays the one state holds (an upgrade from the previous release) or the live one (adopt).
  markSteps: (i, mark, look) => [recordWrite(recordOf(i), mark, ["printf", "%s\\n", look.live?.previous || look.live?.value || ""])],

  async update(c, olds, news) {
    await run(c, new Script().step(sysctlSet(news.namespace, news.key, news.value)).toString());
    return { previous: olds.previous };
  },

  async delete(c, state) {
    // Restore only if the value and the record are still ours: a later change by someone else wins.
    // Our record goes either way (it would outlive the value it describes).
    const ours = recordMarkIs(recordOf(state), state.owner && markOf(state.owner));
    await run(c, new Script()
      .deleteIfOwned(`${sysctlIs(state.namespace, state.key, state.value)} && ${ours}`, sysctlSet(state.namespace, state.key, state.previous))
      .deleteIfOwned(ours, recordRemove(recordOf(state))).toString());
  },
});

/** "sysctl KEY [in namespace NS]", for messages. */
const describe = (i: SysctlInputs) => `sysctl ${i.key}${i.namespace ? ` in namespace ${i.namespace}` : ""}`;

/** The sysctl's record: one per (namespace, key). */
const recordOf = (i: SysctlInputs) => recordPath("sysctl", i.namespace, i.key);
