/**
 * NodeNetwork's resource names for one namespace (base: `<node>-<namespace>`), in one place for the
 * SDK, which names the resources, and the providers, which let one form succeed the other. The
 * expanded form (compact: false) is a NetNamespace `<base>`, a VethPair `<base>-veth` and a default
 * Route `<base>-default`; the compact form is a BridgedNamespace `<base>`. When a stack switches
 * form, the new resources are created before the old ones are deleted: each create takes over the
 * objects its predecessors marked (takeover.ts), so nothing is recreated and the old deletes leave
 * all alone. Pure and import-free: the SDK loads it in the program.
 */
export const expandedNames = (base: string) => ({ namespace: base, veth: `${base}-veth`, route: `${base}-default` });

/** The owners (`project/stack/Type/name`) whose objects the resource owned by `owner` succeeds: none unless it is one of the forms above. */
export function predecessorsOf(owner: string | undefined): string[] {
  const m = owner ? /^(.*)\/(BridgedNamespace|NetNamespace|VethPair|Route)\/([^/]+)$/.exec(owner) : null;
  if (!m) return [];
  const [, stack, kind, name] = m;
  if (kind === "BridgedNamespace") {
    const n = expandedNames(name);
    return [`${stack}/NetNamespace/${n.namespace}`, `${stack}/VethPair/${n.veth}`, `${stack}/Route/${n.route}`];
  }
  const suffix = expandedNames("")[KEY[kind as keyof typeof KEY]]; // "", "-veth" or "-default"
  if (!name.endsWith(suffix) || name === suffix) return [];
  return [`${stack}/BridgedNamespace/${name.slice(0, name.length - suffix.length)}`];
}

/** Which of expandedNames' names each expanded kind takes. */
const KEY = { NetNamespace: "namespace", VethPair: "veth", Route: "route" } as const;
