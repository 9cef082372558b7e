// What the providers report beyond their inputs, in a file that imports nothing: the SDK classes'
// outputs derive from it (sdk/outputs.ts), and must not pull zod's declarations into a user's type
// check (as provider/ssh/connectionShape.ts, for the same reason).

/**
 * What each resource type's provider returns from create, update and read on top of its inputs
 * (which it stores as outputs too): the one source of these outputs' types and doc comments, for
 * the core (each provider's create is declared to return its entry) and the SDK classes.
 */
export interface Reported {
  Bridge: {
    /** The bridge's MAC address. */
    mac: string;
  };
  BridgedNamespace: {
    /** MAC of the namespace's veth end. */
    mac: string;
    /** MAC of the host's veth end. */
    hostMac: string;
  };
  VethPair: {
    /** MAC address of this end. */
    mac: string;
    /** MAC address of the peer end. */
    peerMac: string;
  };
  Vxlan: {
    /** The device's MAC address (stable across re-creation). */
    mac: string;
  };
  Route: {
    /** The device the kernel uses for the route (the declared one, or the one it chose). */
    actualDevice: string;
  };
  Sysctl: {
    /** The value before this resource set it, restored on delete (unless `restoreTo` is set). */
    previous: string;
  };
  Ping: {
    /** Whether any reply came back. */
    reachable: boolean;
    /** ping's summary lines ("N packets transmitted, M received ..." and rtt). */
    summary: string;
  };
}
