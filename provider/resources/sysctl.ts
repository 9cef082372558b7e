import { z } from "zod";
import { defineResource, run, type WithConnection } from "../resource";
import { sysctlGet, sysctlSet } from "../sysctl/sysctl";
import { netnsName } from "../validate/net";
import { shellJoin, shellQuote } from "../ssh/quote";

export type SysctlInputs = WithConnection & z.output<typeof sysctlSchema>;

export interface SysctlOutputs {
  /** The value before this resource set it; restored on delete. */
  previous: string;
}

/** sysctl prints multi-value keys with tabs; compare them with single spaces. */
const norm = (s: string) => s.trim().replace(/\s+/g, " ");

/** A sysctl's inputs after check: the one source of SysctlInputs (and of what SysctlArgs may hold). */
export const sysctlSchema = z.object({
  key: z.string().regex(/^[a-z0-9_]+(\.[A-Za-z0-9_-]+)+$/, "key must be a dotted sysctl name such as net.ipv4.ip_forward"),
  value: z
    .union([z.string(), z.number().transform(String)], { error: "value must be a string or a number, e.g. \"1\"" })
    .pipe(z.string().regex(/^[A-Za-z0-9 \t_.:,/+-]{1,256}$/, "value may contain only letters, digits, spaces and _.:,/+- (at most 256)"))
    .transform(norm),
  namespace: netnsName.optional(),
});

export const sysctlProvider = defineResource<SysctlInputs, SysctlOutputs>({
  kind: "Sysctl",
  fields: sysctlSchema.shape,
  replaceOn: ["key", "namespace"],
  idOf: (i) => `sysctl/${i.namespace ?? ""}/${i.key}`,
  namesOf: (i) => [`sysctl/${i.namespace ?? ""}/${i.key}`],

  async create(c, i) {
    const script = [
      `prev=$(${shellJoin(sysctlGet(i.namespace, i.key))})`,
      shellJoin(sysctlSet(i.namespace, i.key, i.value)),
      `printf '%s' "$prev"`,
    ].join(" && ");
    return { previous: norm(await run(c, script)) };
  },

  async read(c, state) {
    const r = await run(c, `${shellJoin(sysctlGet(state.namespace, state.key))} 2>/dev/null || printf '\\001'`);
    if (r === "\u0001") return undefined;
    return { value: norm(r), previous: state.previous };
  },

  async update(c, olds, news) {
    await run(c, shellJoin(sysctlSet(news.namespace, news.key, news.value)));
    return { previous: olds.previous };
  },

  async delete(c, state) {
    // Restore only if the value is still ours: a later change by someone else wins.
    const get = `${shellJoin(sysctlGet(state.namespace, state.key))} 2>/dev/null | tr -s ' \\t' '  '`;
    await run(c, `if [ "$(${get})" = ${shellQuote(state.value)} ]; then ${shellJoin(sysctlSet(state.namespace, state.key, state.previous))}; fi`);
  },
});
