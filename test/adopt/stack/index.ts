/**
 * The two-node tutorial's network (../shared/seeds/000: NS1/NS2 on veth10-11/veth20-21, br0, default
 * routes, a route to the other node's subnet, MASQUERADE, ip_forward) declared exactly as the
 * tutorial's commands build it, every resource with `adopt: true`: run after the hand-run, `up`
 * only marks the objects. Config: lab (2 VMs up). The tutorial leaves `lo` down: loopbackUp false.
 * Its hand-run set ip_forward, whose earlier value no host keeps: restoreTo says it.
 */
import * as pulumi from "@pulumi/pulumi";
import { Bridge, NatRule, NetNamespace, Route, Sysctl, VethPair } from "../../../sdk";
import { readVm } from "../../../provider/lab/state";

export = async () => {
  const lab = new pulumi.Config().require("lab");
  const vms = await Promise.all([1, 2].map(async (i) => {
    const info = (await readVm(lab, i))?.info;
    if (!info) throw new Error(`adopt stack: lab ${lab} has no VM ${i}`);
    return info;
  }));
  const adopt = true;
  vms.forEach((vm, k) => {
    const other = vms[1 - k];
    const connection = { host: vm.host, user: "root", privateKey: pulumi.secret(vm.privateKey), hostKey: vm.hostPublicKey };
    const n = `node${k + 1}`;
    const br = new Bridge(`${n}-br0`, { connection, adopt, name: "br0", addresses: [`172.16.${k}.1/24`] });
    for (const i of [1, 2]) {
      const ns = new NetNamespace(`${n}-NS${i}`, { connection, adopt, name: `NS${i}`, loopbackUp: false });
      const veth = new VethPair(`${n}-veth${i}0`, {
        connection, adopt, name: `veth${i}0`, bridge: br.name,
        peer: { name: `veth${i}1`, namespace: ns.name, addresses: [`172.16.${k}.${i + 1}/24`] },
      });
      new Route(`${n}-NS${i}-default`, { connection, adopt, namespace: ns.name, destination: "default", via: `172.16.${k}.1`, device: veth.peer.name });
    }
    new Route(`${n}-to-other`, { connection, adopt, destination: `172.16.${1 - k}.0/24`, via: other.lanIp, device: "eth0" });
    new NatRule(`${n}-masquerade`, { connection, adopt, source: `172.16.${k}.0/24`, outInterface: "eth0", jump: "MASQUERADE" });
    // A sysctl keeps no mark on the host: say what to restore (the value before the hand-run, the kernel's default).
    new Sysctl(`${n}-ip-forward`, { connection, adopt, key: "net.ipv4.ip_forward", value: "1", restoreTo: "0" });
  });
};
