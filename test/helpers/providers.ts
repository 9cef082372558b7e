import type { DynamicProvider } from "../../provider/resource";

type Props = Record<string, unknown>;

/** A created object: its provider, ID and state, so it can be read, updated and deleted. */
export interface Made {
  provider: DynamicProvider;
  id: string;
  outs: Props;
}

/** check + create, as the engine does; check failures throw with their reasons. */
export async function make(provider: DynamicProvider, raw: Props): Promise<Made> {
  const { inputs, failures } = await provider.check({}, raw);
  if (failures.length) throw new Error(failures.map((f) => f.reason).join("\n"));
  const { id, outs } = await provider.create(inputs);
  return { provider, id, outs };
}

/** check + diff + update, as the engine does for an in-place change. */
export async function change(m: Made, raw: Props): Promise<{ diff: Awaited<ReturnType<DynamicProvider["diff"]>>; made: Made }> {
  const { inputs, failures } = await m.provider.check(m.outs, raw);
  if (failures.length) throw new Error(failures.map((f) => f.reason).join("\n"));
  const diff = await m.provider.diff(m.id, m.outs, inputs);
  if (diff.replaces.length) return { diff, made: m };
  const { outs } = await m.provider.update(m.id, m.outs, inputs);
  return { diff, made: { ...m, outs } };
}

/** Delete in reverse creation order (what `pulumi destroy` does with dependencies). */
export async function destroyAll(made: Made[]): Promise<void> {
  for (const m of [...made].reverse()) await m.provider.delete(m.id, m.outs);
}
