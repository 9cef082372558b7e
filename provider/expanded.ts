/**
 * NodeNetwork's resource names for one namespace (base: `<node>-<namespace>`), in one place for the
 * SDK, which names the resources, and BridgedNamespace, which succeeds them. The expanded form
 * (compact: false) is a NetNamespace `<base>`, a VethPair `<base>-veth` and a default Route
 * `<base>-default`; the compact form is a BridgedNamespace `<base>`, whose create takes the expanded
 * form's objects over in place (takeover.ts), so a stack switching to it recreates nothing.
 * Pure and import-free: the SDK loads it in the program.
 */
export const expandedNames = (base: string) => ({ namespace: base, veth: `${base}-veth`, route: `${base}-default` });

/**
 * The owners (`project/stack/Type/name`) of the expanded form that the BridgedNamespace owned by
 * `owner` succeeds; none when `owner` is not a BridgedNamespace's.
 */
export function expandedOwners(owner: string | undefined): { namespace: string; veth: string; route: string } | undefined {
  const m = owner ? /^(.*)\/BridgedNamespace\/([^/]+)$/.exec(owner) : null;
  if (!m) return undefined;
  const [, stack, base] = m;
  const n = expandedNames(base);
  return { namespace: `${stack}/NetNamespace/${n.namespace}`, veth: `${stack}/VethPair/${n.veth}`, route: `${stack}/Route/${n.route}` };
}
