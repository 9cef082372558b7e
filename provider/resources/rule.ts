import { z } from "zod";
import { defineResource, run, type DynamicProvider, type Fail, type InputsOf, type WithConnection } from "../resource";
import { iptablesList, matchArgs, parseMatchLine, ruleAppend, ruleCheck, ruleDelete, ruleInsert, ruleOwnedProbe, ruleReplace, type MatchSpec } from "../iptables/match";
import { findRule } from "../iptables/find";
import { Script, sectionsOf, showScript } from "../ssh/script";
import { ExistsError, type Look } from "../takeover";

/** What every rule resource's schema yields: a match and target, where the rule lives, and its comment (our mark). */
export interface RuleFields extends MatchSpec {
  /** append (`-A`, the end of the chain, the default) or insert (`-I CHAIN 1`, the top). */
  position?: "append" | "insert";
  namespace?: string;
  comment: string;
}

type RuleInputs = WithConnection & RuleFields;

/** Keys the rule is found by (or that only say where it goes), not matched against the live rule. */
const PLACE = ["table", "chain", "comment", "position", "namespace"];

/**
 * One iptables rule, marked by its comment: the implementation IptablesRule and NatRule share
 * (NatRule is the nat-table subset with its own schema, defaults and checks). `schema` is the
 * resource's; every property replaces the rule.
 */
export function defineRule<S extends z.ZodObject & z.ZodType<RuleFields>>(kind: string, schema: S, crossCheck: (i: InputsOf<S>, fail: Fail) => void): DynamicProvider {
  const keys = Object.keys(schema.shape);
  const managed = keys.filter((k) => !PLACE.includes(k));

  /** The rule with our comment, else one with the declared match and target (hand-made, or another owner's). */
  async function ruleLook(c: RuleInputs["connection"], i: RuleInputs): Promise<Look<Partial<RuleInputs>>> {
    const [out] = sectionsOf(await run(c, showScript(iptablesList(i.namespace, i.table, i.chain))));
    const rules = out.split("\n").map((l) => parseMatchLine(i.table, l)).filter((r) => r !== undefined);
    const { rule, found } = findRule(rules, i.comment, (r) => sameRule(r, i), `${i.table}/${i.chain}`, matchArgs(i).join(" "));
    return {
      objects: [found],
      // Every managed key explicitly, so a key changed or missing on the host shows as drift.
      live: rule && (Object.fromEntries(managed.map((k) => [k, (rule as unknown as Record<string, unknown>)[k]])) as Partial<RuleInputs>),
    };
  }

  const add = (i: RuleInputs, comment: string) => (i.position === "insert" ? ruleInsert(i.namespace, i, comment) : ruleAppend(i.namespace, i, comment));

  return defineResource<z.ZodObject, object, RuleInputs>({
    kind,
    schema,
    crossCheck: crossCheck as (i: RuleInputs, fail: Fail) => void, // the schema yields RuleFields (S's bound)
    replaceOn: keys as Array<keyof RuleInputs & string>,
    idOf: (i) => `iptables/${i.namespace ?? ""}/${i.table}/${i.chain}/${i.comment}`,
    namesOf: (i) => [`iptables/${i.namespace ?? ""}/${i.table}/${i.chain}/${matchArgs(i, i.comment).join(" ")}`],

    // The rule's comment is its mark (the SDK's default, pulumi-netns:STACK:NAME, names the owner).
    markFor: (i) => i.comment,

    async create(c, i, mark) {
      // `iptables -C` matches comments exactly: look for the same rule under any comment first (a rule
      // carrying our comment is a create retried after a lost reply or an interrupted run: takeover.ts).
      if ((await ruleLook(c, i)).objects.some((o) => !o.missing)) throw new ExistsError("rule exists");
      const s = new Script()
        .refuseIfExists(ruleCheck(i.namespace, i), `an identical ${i.table}/${i.chain} rule (${matchArgs(i).join(" ")}) already exists`)
        .refuseIfExists(ruleCheck(i.namespace, i, mark), `this rule with comment ${mark} already exists`)
        .step(add(i, mark), ruleDelete(i.namespace, i, mark));
      await run(c, s.toString());
      return {};
    },

    look: (c, i) => ruleLook(c, i),
    // Adopting: replace the rule in place (same position) by the same rule with our comment.
    markSteps: (i, mark, look) => [ruleReplace(i.namespace, i, mark, look.objects[0].index ?? 1)],

    // Every input replaces the rule, so the engine's updates only follow an owner or connection change
    // (common code). A create that finds its own rule with another match (an interrupted run) lands
    // here: swap the rule, as a replace would.
    async update(c, olds, news) {
      if (sameRule(olds, news)) return {};
      await run(c, new Script().step(ruleDelete(olds.namespace, olds, olds.comment)).step(add(news, news.comment)).toString());
      return {};
    },

    async delete(c, state) {
      await run(c, new Script().deleteIfOwned(ruleOwnedProbe(state.namespace, state, state.comment), ruleDelete(state.namespace, state, state.comment)).toString());
    },
  });
}

/** toSource goes with jump SNAT and only with it (NatRule's and IptablesRule's check). */
export function checkToSource(i: Pick<MatchSpec, "jump" | "toSource">, fail: Fail): void {
  if (i.jump === "SNAT" && !i.toSource) fail("toSource", "jump SNAT needs toSource (the address to rewrite the source to)");
  if (i.jump !== "SNAT" && i.toSource) fail("toSource", `only used with jump SNAT, not ${i.jump}; remove it`);
}

/** Same match and target, whatever the comment. */
function sameRule(a: MatchSpec, b: MatchSpec): boolean {
  return matchArgs(a).join(" ") === matchArgs(b).join(" ");
}
