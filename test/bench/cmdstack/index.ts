/**
 * The benchmark's remote.Command program (project test/bench/cmdstack): the network of
 * test/bench/stack (NodeNetwork per host, the two-node tutorial at H=2, N=2) as a user
 * of @pulumi/command 1.2.1 writes it: one remote.Command per step of our resources, with
 * the tutorial's commands as `create` and their inverse as `delete`, and the same
 * dependencies (a veth pair after its namespace and the bridge, a default route after
 * its veth pair). Same config and resource count as the NodeNetwork stack:
 * H × (1 bridge + 3N + (H-1) peer routes + NAT + 2 FORWARD rules + ip_forward).
 *
 * Connections are read from the lab's state files, with the host key pinned.
 */
import * as pulumi from "@pulumi/pulumi";
import { remote } from "@pulumi/command";
import { benchHosts } from "../hosts";

export = async () => {
  const { hosts, namespaces, vms, privateKey, subnet } = await benchHosts("bench command stack");
  let count = 0;

  vms.forEach((vm, k) => {
    const connection: remote.CommandArgs["connection"] = { host: vm.host, port: vm.port, user: "root", privateKey, hostKey: vm.hostPublicKey };
    const step = (name: string, create: string, del: string, dependsOn: pulumi.Resource[] = []) => {
      count++;
      return new remote.Command(`h${k + 1}-${name}`, { connection, create, delete: del }, { dependsOn });
    };
    const gw = `172.16.${k}.1`;
    const bridge = step("bridge", `ip link add br0 type bridge && ip addr add ${gw}/24 dev br0 && ip link set dev br0 up`, "ip link del br0");
    for (let j = 1; j <= namespaces; j++) {
      const ns = `NS${j}`;
      const [hv, nv] = [`veth${j}0`, `veth${j}1`];
      const netns = step(ns, `ip netns add ${ns}`, `ip netns del ${ns}`);
      const veth = step(
        `${ns}-veth`,
        [
          `ip link add ${hv} type veth peer name ${nv}`,
          `ip link set ${nv} netns ${ns}`,
          `ip -n ${ns} addr add 172.16.${k}.${j + 1}/24 dev ${nv}`,
          `ip -n ${ns} link set dev ${nv} up`,
          `ip link set dev ${hv} master br0`,
          `ip link set dev ${hv} up`,
        ].join(" && "),
        `ip link del ${hv}`,
        [bridge, netns],
      );
      step(`${ns}-default`, `ip -n ${ns} route add default via ${gw} dev ${nv}`, `ip -n ${ns} route del default via ${gw} dev ${nv}`, [veth]);
    }
    vms.forEach((other, j) => {
      if (j !== k) step(`peer-${j + 1}`, `ip route add ${subnet(j)} via ${other.lanIp} dev eth0`, `ip route del ${subnet(j)} via ${other.lanIp} dev eth0`);
    });
    const nat = `POSTROUTING -s ${subnet(k)} -o eth0 -j MASQUERADE`;
    step("masquerade", `iptables -t nat -A ${nat}`, `iptables -t nat -D ${nat}`);
    for (const [dir, m] of [["out", "-s"], ["in", "-d"]]) {
      step(`forward-${dir}`, `iptables -I FORWARD 1 ${m} ${subnet(k)} -j ACCEPT`, `iptables -D FORWARD ${m} ${subnet(k)} -j ACCEPT`);
    }
    step("ip-forward", "sysctl -w net.ipv4.ip_forward=1", "sysctl -w net.ipv4.ip_forward=0");
  });

  return { hosts, namespaces, resources: count };
};
