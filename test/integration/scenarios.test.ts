import test from "ava";
import { vmExec } from "../../provider/lab";
import { bridgeProvider, netNamespaceProvider, routeProvider, vethPairProvider } from "../../provider/resources";
import { rootConnection, useLab } from "../helpers/lab";
import { destroyAll, make, type Made } from "../helpers/providers";
import { pingFrom, snapshot } from "../helpers/snapshot";
import { buildNode, nodePlan } from "../helpers/tutorial";

/** The tutorials' networks built from the resources, checked by real pings, torn down to the exact prior state. */
const lab = useLab(test, { name: "scen", index: 4, nodes: 2 });
const SYSCTLS = ["net.ipv4.ip_forward"];

test.serial("two-node cross-host network: NS1@A <-> NS2@B, NAT to the other LAN, clean teardown", async (t) => {
  const [a, b] = lab().vms;
  const before = [await snapshot(a, SYSCTLS), await snapshot(b, SYSCTLS)];
  const made: Made[] = [];
  try {
    made.push(...(await buildNode(a, 0, b, rootConnection(a))));
    made.push(...(await buildNode(b, 1, a, rootConnection(b))));
    const A = nodePlan(0), B = nodePlan(1);
    t.true(await pingFrom(a, "NS1", B.ns2), "NS1@A -> NS2@B");
    t.true(await pingFrom(b, "NS2", A.ns1), "NS2@B -> NS1@A");
    t.true(await pingFrom(a, "NS2", B.ns1), "NS2@A -> NS1@B");
    t.true(await pingFrom(a, "NS1", b.lanIp), "NS1@A -> node B's LAN IP (through NAT)");
    t.true(await pingFrom(b, "NS1", a.lanIp), "NS1@B -> node A's LAN IP (through NAT)");
    t.true(await pingFrom(a, "NS1", A.ns2), "NS1@A -> NS2@A over the bridge");
    for (const vm of [a, b]) t.is((await vmExec(vm, ["sysctl", "-n", "net.ipv4.ip_forward"])).stdout.trim(), "1");
    // NAT really rewrote: B's NS2 sees A's LAN IP as the source of the echo requests? Count the rule's hits instead.
    const nat = (await vmExec(a, ["iptables", "-w", "-t", "nat", "-L", "POSTROUTING", "-v", "-n", "-x"])).stdout;
    t.regex(nat, /^\s*[1-9]\d*\s+\d+\s+MASQUERADE/m);
  } finally {
    await destroyAll(made);
  }
  t.deepEqual(await snapshot(a, SYSCTLS), before[0]);
  t.deepEqual(await snapshot(b, SYSCTLS), before[1]);
});

test.serial("single-node bridge with two namespaces (red/blue on br-0)", async (t) => {
  const vm = lab().vms[0];
  const connection = rootConnection(vm);
  const before = await snapshot(vm);
  const made: Made[] = [];
  try {
    made.push(await make(bridgeProvider, { connection, name: "br-0", addresses: ["192.168.15.5/24"] }));
    for (const [color, ipAddr] of [["red", "192.168.15.1"], ["blue", "192.168.15.2"]]) {
      made.push(await make(netNamespaceProvider, { connection, name: color }));
      made.push(await make(vethPairProvider, { connection, name: `veth-${color}-br`, bridge: "br-0", peer: { name: `veth-${color}`, namespace: color, addresses: [`${ipAddr}/24`] } }));
      made.push(await make(routeProvider, { connection, destination: "default", via: "192.168.15.5", namespace: color }));
    }
    t.true(await pingFrom(vm, "red", "192.168.15.2"));
    t.true(await pingFrom(vm, "blue", "192.168.15.1"));
    t.true(await pingFrom(vm, undefined, "192.168.15.1"), "host -> red via the bridge address");
  } finally {
    await destroyAll(made);
  }
  t.deepEqual(await snapshot(vm), before);
});

test.serial("direct red/blue veth pair, both ends in namespaces", async (t) => {
  const vm = lab().vms[1];
  const connection = rootConnection(vm);
  const before = await snapshot(vm);
  const made: Made[] = [];
  try {
    made.push(await make(netNamespaceProvider, { connection, name: "red" }));
    made.push(await make(netNamespaceProvider, { connection, name: "blue" }));
    made.push(await make(vethPairProvider, {
      connection, name: "veth-red", namespace: "red", addresses: ["10.0.1.0/16"],
      peer: { name: "veth-blue", namespace: "blue", addresses: ["10.0.2.0/16"] },
    }));
    t.true(await pingFrom(vm, "red", "10.0.2.0"));
    t.true(await pingFrom(vm, "blue", "10.0.1.0"));
    // The host has no route into the pair (asked of the kernel: no packet is sent).
    t.not((await vmExec(vm, ["ip", "route", "get", "10.0.2.0"], { allowFail: true })).code, 0);
  } finally {
    await destroyAll(made);
  }
  t.deepEqual(await snapshot(vm), before);
});
