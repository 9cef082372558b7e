// NodeNetwork's defaults that Cluster also needs: it names the bridge and LAN device of the
// networks it builds (plain names, so its Vxlan can join the bridge without waiting on an Output).
// Not exported from the package.

/** The bridge's name when `bridgeName` is unset. */
export const DEFAULT_BRIDGE = "br0";

/** The LAN interface when `lanInterface` is unset. */
export const DEFAULT_LAN = "eth0";
