import test from "ava";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { vmExec } from "../../provider/lab";
import type { DynamicProvider } from "../../provider/resource";
import * as core from "../../provider";
import { targetOf } from "../../provider/ssh/connection";
import { pool, SshPool } from "../../provider/ssh/pool";
import { rootConnection, useLab } from "../helpers/lab";

/**
 * The bad-input corpus (issue "Reliability and security"): every row is an input the
 * engine must refuse at `check`, naming the property and saying what would be accepted,
 * before any connection to the host is opened. The rows' connections point at a live lab
 * VM, so "no connection" is proven on the sshd side too (kernel socket table and sshd log).
 */
const lab = useLab(test, { name: "badin", index: 14, nodes: 1 });
const vm = () => lab().vms[0];
const SSHD_LOG = "/tmp/pulumi-netns-lab/badin/vm1/sshd.log";

type Props = Record<string, unknown>;
type Kind = string;

/**
 * Every provider the core exports ("bridgeProvider" → kind "Bridge"), so a new resource
 * without rows fails "covers every resource" below instead of going unnoticed.
 */
const PROVIDERS: Record<Kind, DynamicProvider> = Object.fromEntries(
  Object.entries(core)
    .filter(([name, v]) => name.endsWith("Provider") && typeof (v as Partial<DynamicProvider>).check === "function")
    .map(([name, v]) => [name[0].toUpperCase() + name.slice(1, -"Provider".length), v as DynamicProvider]),
);

/** A valid input set per resource (without the connection): each row breaks one thing. */
const VALID: Record<Kind, Props> = {
  NetNamespace: { name: "ns1" },
  Bridge: { name: "br0", addresses: ["172.16.0.1/24"] },
  VethPair: { name: "va", peer: { name: "vb", namespace: "ns1" } },
  Route: { destination: "172.16.1.0/24", via: "10.0.0.1" },
  NatRule: { jump: "MASQUERADE", source: "172.16.0.0/24", outInterface: "eth0", comment: "pulumi-netns:badin" },
  Sysctl: { key: "net.ipv4.ip_forward", value: "1" },
  Ping: { target: "172.16.0.1" },
  LabVm: { lab: "badin", index: 14, vm: 2 },
  BridgedNamespace: { name: "ns1", bridge: "br0", address: "172.16.0.2/24", gateway: "172.16.0.1", hostVeth: "veth10", nsVeth: "veth11" },
  IptablesRule: { chain: "FORWARD", source: "172.16.0.0/24", jump: "ACCEPT", comment: "pulumi-netns:badin" },
  Vxlan: { name: "vxlan42", vni: 42, local: "10.250.14.11", device: "eth0", bridge: "br0", peers: ["10.250.14.12"] },
};

/** The kinds whose check asks for a connection: asked of check itself (valid inputs, no connection), not listed by hand. */
const WITH_CONNECTION = new Set<Kind>();
test.before(async () => {
  for (const [kind, p] of Object.entries(PROVIDERS)) {
    const { failures } = await p.check({}, { ...(VALID[kind] ?? {}) });
    if (failures.some((f) => f.property === "connection")) WITH_CONNECTION.add(kind);
  }
});

interface Row {
  kind: Kind;
  /** Replaces inputs of the valid set (undefined: leave the input out). */
  over?: Props;
  /** Replaces parts of the (valid) connection; a non-object replaces the whole connection. */
  conn?: Props | unknown;
  /** The property path the failure must name (or a prefix of it, e.g. "addresses" for "addresses.0"). */
  property: string;
  /** What the reason must also say (the accepted form); a generic "says what is accepted" test applies to every row. */
  hint?: RegExp;
  /** A known product bug: the row is run as test.failing. */
  bug?: string;
}

const LONG16 = "bridge-name-16ch"; // 16 characters: one over IFNAMSIZ-1
const ed25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

const ROWS: Row[] = [
  // NetNamespace.name: becomes a file in /run/netns and an argument of ip.
  { kind: "NetNamespace", over: { name: "" }, property: "name", hint: /not be empty/ },
  { kind: "NetNamespace", over: { name: "." }, property: "name", hint: /'\.' or '\.\.'/ },
  { kind: "NetNamespace", over: { name: ".." }, property: "name", hint: /'\.' or '\.\.'/ },
  { kind: "NetNamespace", over: { name: "a/b" }, property: "name", hint: /letters, digits/ },
  { kind: "NetNamespace", over: { name: "../../etc/passwd" }, property: "name" },
  { kind: "NetNamespace", over: { name: "ns 1" }, property: "name" },
  { kind: "NetNamespace", over: { name: "ns1\n" }, property: "name" },
  { kind: "NetNamespace", over: { name: "nś1" }, property: "name" },
  { kind: "NetNamespace", over: { name: "ns\u200b1" }, property: "name" }, // zero-width space
  { kind: "NetNamespace", over: { name: "ns1;reboot" }, property: "name" },
  { kind: "NetNamespace", over: { name: "$(touch /tmp/pwn)" }, property: "name" },
  { kind: "NetNamespace", over: { name: "`id`" }, property: "name" },
  { kind: "NetNamespace", over: { name: "-x" }, property: "name", hint: /option/ },
  { kind: "NetNamespace", over: { name: "x".repeat(65) }, property: "name", hint: /at most 64/ },
  { kind: "NetNamespace", over: { name: 7 }, property: "name", hint: /expected string/ },
  { kind: "NetNamespace", over: { name: undefined }, property: "name" },
  { kind: "NetNamespace", over: { loopbackUp: "yes" }, property: "loopbackUp", hint: /boolean/ },

  // Bridge: interface name, mtu, addresses, flags.
  { kind: "Bridge", over: { name: LONG16 }, property: "name", hint: /at most 15/ },
  { kind: "Bridge", over: { name: "" }, property: "name", hint: /not be empty/ },
  { kind: "Bridge", over: { name: ".." }, property: "name" },
  { kind: "Bridge", over: { name: "br0|cat" }, property: "name" },
  { kind: "Bridge", over: { name: "br0&" }, property: "name" },
  { kind: "Bridge", over: { name: "br0>x" }, property: "name" },
  { kind: "Bridge", over: { name: "br'0" }, property: "name" },
  { kind: "Bridge", over: { name: 'br"0' }, property: "name" },
  { kind: "Bridge", over: { name: "br\t0" }, property: "name" },
  { kind: "Bridge", over: { name: "br:0" }, property: "name" },
  { kind: "Bridge", over: { name: "brü" }, property: "name" },
  { kind: "Bridge", over: { name: "-n" }, property: "name", hint: /option/ },
  {
    kind: "Bridge", over: { name: "all" }, property: "name", hint: /all|default|reserved/,
  },
  {
    kind: "VethPair", over: { peer: { name: "default", namespace: "ns1" } }, property: "peer.name", hint: /all|default|reserved/,
  },
  { kind: "Bridge", over: { mtu: 67 }, property: "mtu", hint: /at least 68/ },
  { kind: "Bridge", over: { mtu: 65536 }, property: "mtu", hint: /at most 65535/ },
  { kind: "Bridge", over: { mtu: 1500.5 }, property: "mtu", hint: /whole number/ },
  { kind: "Bridge", over: { mtu: "1500" }, property: "mtu", hint: /expected number/ },
  { kind: "Bridge", over: { addresses: ["10.0.0.1"] }, property: "addresses.0", hint: /prefix length/ },
  { kind: "Bridge", over: { addresses: ["10.0.0.1/33"] }, property: "addresses.0", hint: /0-32/ },
  { kind: "Bridge", over: { addresses: ["fd00::1/129"] }, property: "addresses.0", hint: /0-128/ },
  { kind: "Bridge", over: { addresses: ["10.0.0.256/24"] }, property: "addresses.0" },
  { kind: "Bridge", over: { addresses: ["10.0.0.1/24;id"] }, property: "addresses.0" },
  { kind: "Bridge", over: { addresses: ["10.0.0.1/24 dev eth0"] }, property: "addresses.0" },
  { kind: "Bridge", over: { stp: "yes" }, property: "stp", hint: /boolean/ },

  // VethPair: both ends, nested paths.
  { kind: "VethPair", over: { name: "veth-name-16chr" + "x" }, property: "name", hint: /at most 15/ },
  { kind: "VethPair", over: { peer: { name: "$(reboot)" } }, property: "peer.name" },
  { kind: "VethPair", over: { peer: { name: "vb", namespace: "a b" } }, property: "peer.namespace" },
  { kind: "VethPair", over: { bridge: "br/0" }, property: "bridge" },
  { kind: "VethPair", over: { peer: { name: "vb", bridge: "`id`" } }, property: "peer.bridge" },
  { kind: "VethPair", over: { peer: { name: "vb", addresses: ["::1/200"] } }, property: "peer.addresses.0", hint: /0-128/ },
  { kind: "VethPair", over: { namespace: "ns\n1" }, property: "namespace" },
  { kind: "VethPair", over: { mtu: 0 }, property: "mtu", hint: /at least 68/ },
  { kind: "VethPair", over: { peer: undefined }, property: "peer" },
  { kind: "VethPair", over: { peer: "vb" }, property: "peer", hint: /expected object/ },
  {
    kind: "VethPair", over: { peer: { name: "vb", namespce: "ns1" } }, property: "peer.namespce", hint: /unknown property|unrecognized/i,
  },

  // Route
  { kind: "Route", over: { destination: "172.16.1.5/24" }, property: "destination", hint: /host bits/ },
  { kind: "Route", over: { destination: "10.0.0.0/33" }, property: "destination", hint: /CIDR form/ },
  { kind: "Route", over: { destination: "fd00::/129", via: "fd00::1" }, property: "destination" },
  { kind: "Route", over: { destination: "10.0.0.0" }, property: "destination", hint: /CIDR form/ },
  { kind: "Route", over: { destination: "default; reboot" }, property: "destination" },
  { kind: "Route", over: { destination: "10.1.0.0/16", via: "fd00::1" }, property: "via", hint: /same family/ },
  { kind: "Route", over: { destination: "2001:db8::/32", via: "10.0.0.1" }, property: "via", hint: /same family/ },
  { kind: "Route", over: { via: "10.0.0.1;id" }, property: "via", hint: /IPv4 or IPv6 address/ },
  { kind: "Route", over: { via: "10.0.0" }, property: "via", hint: /IPv4 or IPv6 address/ },
  { kind: "Route", over: { via: "gateway.example" }, property: "via", hint: /IPv4 or IPv6 address/ },
  { kind: "Route", over: { device: "eth0 " }, property: "device" },
  { kind: "Route", over: { namespace: "$(id)" }, property: "namespace" },
  { kind: "Route", over: { metric: -1 }, property: "metric" },
  { kind: "Route", over: { table: 0 }, property: "table", hint: /1-4294967295/ },
  { kind: "Route", over: { via: undefined }, property: "via", hint: /via \(a gateway\) or device/ },

  // NatRule
  { kind: "NatRule", over: { jump: "DNAT" }, property: "jump", hint: /MASQUERADE, SNAT/ },
  { kind: "NatRule", over: { jump: "ACCEPT" }, property: "jump", hint: /MASQUERADE, SNAT/ },
  { kind: "NatRule", over: { jump: "masquerade" }, property: "jump", hint: /MASQUERADE, SNAT/ },
  { kind: "NatRule", over: { jump: "SNAT" }, property: "toSource", hint: /needs toSource/ },
  { kind: "NatRule", over: { jump: "SNAT", toSource: "fd00::1" }, property: "toSource", hint: /IPv4/ },
  { kind: "NatRule", over: { jump: "SNAT", toSource: "10.0.0.1; id" }, property: "toSource" },
  { kind: "NatRule", over: { source: "fd00::/64" }, property: "source", hint: /IPv4 network/ },
  { kind: "NatRule", over: { source: "fd00::1" }, property: "source", hint: /IPv4 network/ },
  { kind: "NatRule", over: { destination: "10.0.0.0/40" }, property: "destination" },
  { kind: "NatRule", over: { destination: "! 10.0.0.0/8" }, property: "destination" },
  { kind: "NatRule", over: { outInterface: "eth0`id`" }, property: "outInterface" },
  { kind: "NatRule", over: { notOutInterface: "br0" }, property: "notOutInterface", hint: /not both/ },
  { kind: "NatRule", over: { chain: "POSTROUTING;" }, property: "chain", hint: /chain name/ },
  { kind: "NatRule", over: { chain: "-j" }, property: "chain", hint: /chain name/ },
  { kind: "NatRule", over: { comment: "x'y" }, property: "comment", hint: /only letters, digits/ },
  { kind: "NatRule", over: { comment: "$(id)" }, property: "comment" },
  { kind: "NatRule", over: { table: "filter" }, property: "table", hint: /"nat"/ },
  { kind: "NatRule", over: { namespace: "../x" }, property: "namespace" },

  // Sysctl
  { kind: "Sysctl", over: { key: "net.ipv4.ip_forward;reboot" }, property: "key", hint: /dotted sysctl name/ },
  { kind: "Sysctl", over: { key: "../../etc/passwd" }, property: "key", hint: /dotted sysctl name/ },
  { kind: "Sysctl", over: { key: "net/ipv4/ip_forward" }, property: "key" },
  { kind: "Sysctl", over: { key: "-w" }, property: "key" },
  { kind: "Sysctl", over: { key: "net.ipv4.$(id)" }, property: "key" },
  { kind: "Sysctl", over: { value: "1; reboot" }, property: "value", hint: /only letters, digits/ },
  { kind: "Sysctl", over: { value: "$(id)" }, property: "value" },
  { kind: "Sysctl", over: { value: "`id`" }, property: "value" },
  { kind: "Sysctl", over: { value: "1\n0" }, property: "value" },
  { kind: "Sysctl", over: { value: "1|x" }, property: "value" },
  { kind: "Sysctl", over: { value: "1 > /etc/x" }, property: "value" },
  { kind: "Sysctl", over: { value: "" }, property: "value" },
  { kind: "Sysctl", over: { value: "x".repeat(257) }, property: "value", hint: /at most 256/ },
  {
    kind: "Sysctl", over: { value: true }, property: "value", hint: /string|number/,
  },
  { kind: "Sysctl", over: { namespace: "a;b" }, property: "namespace" },

  // Ping
  { kind: "Ping", over: { target: "10.0.0.1; reboot" }, property: "target", hint: /IPv4 or IPv6 address/ },
  { kind: "Ping", over: { target: "localhost" }, property: "target", hint: /IPv4 or IPv6 address/ },
  { kind: "Ping", over: { target: "-f" }, property: "target", hint: /IPv4 or IPv6 address/ },
  { kind: "Ping", over: { target: "10.0.0.0/24" }, property: "target" },
  { kind: "Ping", over: { count: 0 }, property: "count" },
  { kind: "Ping", over: { count: 21 }, property: "count", hint: /1-20/ },
  { kind: "Ping", over: { count: "3" }, property: "count", hint: /expected number/ },
  { kind: "Ping", over: { namespace: "nsé" }, property: "namespace" },

  // BridgedNamespace: a namespace, a veth pair and a default route in one resource.
  { kind: "BridgedNamespace", over: { name: "ns/1" }, property: "name", hint: /letters, digits/ },
  { kind: "BridgedNamespace", over: { bridge: LONG16 }, property: "bridge", hint: /at most 15/ },
  { kind: "BridgedNamespace", over: { address: "172.16.0.2" }, property: "address", hint: /prefix length/ },
  { kind: "BridgedNamespace", over: { address: "172.16.0.2/24;id" }, property: "address" },
  { kind: "BridgedNamespace", over: { gateway: "172.16.1.1" }, property: "gateway", hint: /outside 172\.16\.0\.2\/24/ },
  { kind: "BridgedNamespace", over: { gateway: "172.16.0.2" }, property: "gateway", hint: /own address/ },
  { kind: "BridgedNamespace", over: { gateway: "gw" }, property: "gateway", hint: /IPv4 or IPv6 address/ },
  { kind: "BridgedNamespace", over: { hostVeth: "-veth" }, property: "hostVeth", hint: /start with '-'/ },
  { kind: "BridgedNamespace", over: { nsVeth: undefined }, property: "nsVeth" },
  { kind: "BridgedNamespace", over: { mtu: 67 }, property: "mtu", hint: /at least 68/ },

  // IptablesRule: any table's rule, built only from validated words.
  { kind: "IptablesRule", over: { table: "raw" }, property: "table" },
  { kind: "IptablesRule", over: { chain: "FOR WARD" }, property: "chain" },
  { kind: "IptablesRule", over: { jump: "LOG" }, property: "jump" },
  { kind: "IptablesRule", over: { jump: "MASQUERADE" }, property: "jump", hint: /nat/ },
  { kind: "IptablesRule", over: { protocol: "gre" }, property: "protocol" },
  { kind: "IptablesRule", over: { sourcePort: 80 }, property: "sourcePort", hint: /protocol/ },
  { kind: "IptablesRule", over: { protocol: "tcp", destinationPort: 70000 }, property: "destinationPort", hint: /1-65535/ },
  { kind: "IptablesRule", over: { source: "172.16.0.0/33" }, property: "source" },
  { kind: "IptablesRule", over: { position: "middle" }, property: "position" },
  { kind: "IptablesRule", conn: { port: 0 }, property: "connection.port", hint: /1-65535/ },

  // Vxlan: the overlay device and its flood entries.
  { kind: "Vxlan", over: { vni: 0 }, property: "vni", hint: /1-16777215/ },
  { kind: "Vxlan", over: { vni: 16777216 }, property: "vni", hint: /1-16777215/ },
  { kind: "Vxlan", over: { port: 0 }, property: "port", hint: /1-65535/ },
  { kind: "Vxlan", over: { port: 70000 }, property: "port", hint: /1-65535/ },
  { kind: "Vxlan", over: { peers: ["10.250.14.11"] }, property: "peers", hint: /own address/ },
  { kind: "Vxlan", over: { peers: ["10.250.14.12", "10.250.14.12"] }, property: "peers", hint: /repeat/ },
  { kind: "Vxlan", over: { local: "10.250.14.300" }, property: "local" },
  { kind: "Vxlan", over: { name: "a".repeat(16) }, property: "name", hint: /at most 15/ },
  { kind: "Vxlan", over: { device: "-eth0" }, property: "device", hint: /start with '-'/ },
  { kind: "Vxlan", over: { mtu: 67 }, property: "mtu", hint: /at least 68/ },
  { kind: "Vxlan", conn: { user: "root;id" }, property: "connection.user", hint: /login name/ },

  // LabVm (no connection: it runs on the machine running Pulumi)
  { kind: "LabVm", over: { lab: "Bad_Name" }, property: "lab", hint: /\[a-z0-9-\]/ },
  { kind: "LabVm", over: { lab: "$(id)" }, property: "lab" },
  { kind: "LabVm", over: { lab: "a".repeat(13) }, property: "lab", hint: /1-12/ },
  { kind: "LabVm", over: { index: 255 }, property: "index", hint: /0-254/ },
  { kind: "LabVm", over: { index: -1 }, property: "index" },
  { kind: "LabVm", over: { vm: 0 }, property: "vm", hint: /1-200/ },
  { kind: "LabVm", over: { vm: 201 }, property: "vm", hint: /1-200/ },
  { kind: "LabVm", over: { vm: 1.5 }, property: "vm", hint: /whole number/ },
  { kind: "LabVm", over: { vm: undefined }, property: "vm" },
  {
    kind: "LabVm", over: { vms: 2 }, property: "vms", hint: /unknown property|unrecognized/i,
  },

  // The connection, on every resource in turn.
  { kind: "NetNamespace", conn: { port: 0 }, property: "connection.port", hint: /1-65535/ },
  { kind: "Bridge", conn: { port: 65536 }, property: "connection.port", hint: /1-65535/ },
  { kind: "VethPair", conn: { port: "22" }, property: "connection.port", hint: /expected number/ },
  { kind: "Route", conn: { port: 22.5 }, property: "connection.port", hint: /whole number/ },
  { kind: "NatRule", conn: { host: "" }, property: "connection.host", hint: /not be empty/ },
  { kind: "Sysctl", conn: { host: "10.250.14.11;id" }, property: "connection.host", hint: /IP address or a DNS name/ },
  { kind: "Ping", conn: { host: "-oProxyCommand=id" }, property: "connection.host", hint: /IP address or a DNS name/ },
  { kind: "NetNamespace", conn: { host: "exa mple.com" }, property: "connection.host" },
  { kind: "Bridge", conn: { user: "root;id" }, property: "connection.user", hint: /login name/ },
  { kind: "VethPair", conn: { user: "-l" }, property: "connection.user", hint: /not starting with a digit or '-'/ },
  { kind: "Route", conn: { user: "" }, property: "connection.user" },
  { kind: "NatRule", conn: { privateKey: "~/.ssh/id_ed25519" }, property: "connection.privateKey", hint: /not a path/ },
  { kind: "Sysctl", conn: { privateKey: "/tmp/pulumi-netns-lab/badin/id_ed25519" }, property: "connection.privateKey", hint: /not a path/ },
  { kind: "Ping", conn: { privateKey: undefined }, property: "connection.privateKey", hint: /set one of privateKey, password or agentSocketPath/ },
  { kind: "NetNamespace", conn: { password: "" }, property: "connection.password", hint: /not be empty/ },
  { kind: "Bridge", conn: { hostKey: "ssh-ed25519" }, property: "connection.hostKey", hint: /OpenSSH public key line/ },
  { kind: "VethPair", conn: { hostKey: "SHA256:short" }, property: "connection.hostKey", hint: /fingerprint/ },
  { kind: "Route", conn: { hostKey: "MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48" }, property: "connection.hostKey" },
  { kind: "NatRule", conn: { hostKey: ed25519.replace("ssh-ed25519", "ssh-dss") }, property: "connection.hostKey" },
  { kind: "Sysctl", conn: { hostKey: "ssh-ed25519 AAAA$(id)" }, property: "connection.hostKey" },
  { kind: "Ping", conn: { hostKey: `${ed25519}\nssh-rsa AAAA` }, property: "connection.hostKey" },
  { kind: "BridgedNamespace", conn: { host: "10.250.14.11 -p 2222" }, property: "connection.host", hint: /IP address or a DNS name/ },
  { kind: "NetNamespace", conn: { dialErrorLimit: 0 }, property: "connection.dialErrorLimit", hint: /at least 1/ },
  { kind: "Bridge", conn: { perDialTimeout: 0 }, property: "connection.perDialTimeout", hint: /at least 1/ },
  { kind: "VethPair", conn: { sudo: "yes" }, property: "connection.sudo", hint: /boolean/ },
  { kind: "Route", conn: { proxy: { host: "x;y", privateKey: "-----BEGIN OPENSSH PRIVATE KEY-----\n-----END OPENSSH PRIVATE KEY-----" } }, property: "connection.proxy.host" },
  { kind: "NatRule", conn: { proxy: { host: "10.250.14.1" } }, property: "connection.proxy.privateKey", hint: /set one of/ },
  { kind: "Sysctl", conn: undefined, property: "connection", hint: /expected object/ },
  { kind: "Ping", conn: "root@10.250.14.11", property: "connection", hint: /expected object/ },
  {
    kind: "NetNamespace", conn: { hostkey: ed25519 }, property: "connection.hostkey", hint: /unknown property|unrecognized/i,
  },

  // Unknown extra properties, on every resource.
  { kind: "NetNamespace", over: { Name: "ns1" }, property: "Name", hint: /unknown property; expected one of/ },
  { kind: "Bridge", over: { mtuu: 1500 }, property: "mtuu", hint: /unknown property; expected one of/ },
  { kind: "VethPair", over: { peerName: "vb" }, property: "peerName", hint: /unknown property; expected one of/ },
  { kind: "Route", over: { gateway: "10.0.0.1" }, property: "gateway", hint: /unknown property; expected one of/ },
  { kind: "NatRule", over: { toDestination: "10.0.0.1" }, property: "toDestination", hint: /unknown property; expected one of/ },
  { kind: "Sysctl", over: { val: 1 }, property: "val", hint: /unknown property; expected one of/ },
  { kind: "Ping", over: { timeout: 5 }, property: "timeout", hint: /unknown property; expected one of/ },
  { kind: "BridgedNamespace", over: { namespace: "ns1" }, property: "namespace", hint: /unknown property; expected one of/ },
];

/** Every reason must say what would be accepted, not only what is wrong. */
const SAYS_WHAT_IS_ACCEPTED = /\b(must|may|expected|one of|e\.g\.|set|use|needs|only|at most|at least|remove)\b|\d+-\d+/i;

/** The lab VM's connection as a user writes it (not yet checked). */
function goodConnection(): Props {
  return { host: vm().host, user: "root", privateKey: vm().privateKey, hostKey: vm().hostPublicKey };
}

function inputsOf(row: Row): Props {
  const inputs: Props = { ...VALID[row.kind], ...(row.over ?? {}) };
  if (!WITH_CONNECTION.has(row.kind)) return inputs;
  if (!("conn" in row)) inputs.connection = goodConnection();
  else if (row.conn && typeof row.conn === "object") inputs.connection = { ...goodConnection(), ...(row.conn as Props) };
  else inputs.connection = row.conn;
  return inputs;
}

/** Every SSH target a row could have made the pool dial. */
function targetsOf(inputs: Props): Array<{ host: string; port: number; user: string }> {
  const t = [{ host: vm().host, port: 22, user: "root" }];
  const c = inputs.connection as Props | undefined;
  if (c && typeof c === "object") t.push({ host: String(c.host), port: Number(c.port ?? 22), user: String(c.user ?? "root") });
  return t;
}

const label = (row: Row) => {
  const s = JSON.stringify("conn" in row ? { connection: row.conn ?? "(absent)" } : row.over);
  return s.length > 70 ? s.slice(0, 67) + "..." : s;
};

/** sshd's own view: established TCP connections to :22 (kernel, inside the VM) and its log. */
async function sshdView(): Promise<{ established: number; accepted: number; logins: number; connections: number }> {
  const ss = (await vmExec(vm(), ["ss", "-Htn", "state", "established", "( sport = :22 )"])).stdout;
  const log = await fs.readFile(SSHD_LOG, "utf8");
  return {
    established: ss.split("\n").filter(Boolean).length,
    // Any "Accepted" line (sshd logs "Accepted key ..." while probing a key, "Accepted publickey for ..." on login).
    accepted: log.split("\n").filter((l) => /\bAccepted\b/.test(l)).length,
    logins: log.split("\n").filter((l) => /^Accepted \S+ for /.test(l)).length,
    connections: log.split("\n").filter((l) => /\bConnection from\b/.test(l)).length,
  };
}

// The baseline is taken by the first serial test (before hooks run concurrently with useLab's).
let before: Awaited<ReturnType<typeof sshdView>> | undefined;
test.serial("baseline: sshd's view before the corpus", async (t) => {
  before = await sshdView();
  t.is(before.established, 0, "no SSH connection to the VM yet");
});

ROWS.forEach((row, n) => {
  const title = `#${String(n + 1).padStart(3, "0")} ${row.kind} rejects ${label(row)} on ${row.property}`;
  const run = row.bug ? test.serial.failing : test.serial;
  run(title, async (t) => {
    // Rows with `bug` are known product bugs (see their text): remove it once fixed.
    const inputs = inputsOf(row);
    const { failures } = await PROVIDERS[row.kind].check({}, inputs);
    const f = failures.find((x) => x.property === row.property || x.property.startsWith(row.property + "."));
    if (!f) return t.fail(`expected a failure on ${row.property}, got ${JSON.stringify(failures)}`);
    t.true(f.reason.startsWith(`${row.kind}.${f.property}: `), f.reason);
    t.regex(f.reason, SAYS_WHAT_IS_ACCEPTED, f.reason);
    if (row.hint) t.regex(f.reason, row.hint, f.reason);
    for (const target of targetsOf(inputs)) {
      t.deepEqual(pool.stats(target), { handshakes: 0, execs: 0 }, `pool opened a connection to ${targetOf(target)}`);
    }
  });
});

test.serial("the whole corpus opened no SSH connection: sshd saw no TCP connection and no login", async (t) => {
  const after = await sshdView();
  t.deepEqual(after, before, "established connections, 'Connection from' and 'Accepted' lines in sshd.log");
  t.is(pool.stats({ host: vm().host, port: 22, user: "root" }).handshakes, 0);
});

test.serial("control: the same probes do see one real login (so the check above is not vacuous)", async (t) => {
  const base = await sshdView();
  const p = new SshPool(); // not the provider's pool: its counters above stay as they were
  try {
    t.is((await p.run(rootConnection(vm()), "echo ok")).trim(), "ok");
    const during = await sshdView();
    t.is(during.established, base.established + 1);
    t.is(during.connections, base.connections + 1);
    t.true(during.accepted > base.accepted);
    t.is(during.logins, base.logins + 1);
  } finally {
    await p.closeAll();
  }
});

test.serial("the corpus covers every resource the core exports and the connection, and at least 60 inputs", async (t) => {
  t.true(ROWS.length >= 60, `${ROWS.length} rows`);
  t.true(Object.keys(PROVIDERS).length >= 9, `providers found in the core's exports: ${Object.keys(PROVIDERS).join(", ")}`);
  t.true(WITH_CONNECTION.size >= 8, `kinds that take a connection: ${[...WITH_CONNECTION].join(", ")}`);
  for (const k of Object.keys(PROVIDERS)) {
    t.truthy(VALID[k], `${k}: no valid input set (VALID)`);
    t.true(ROWS.some((r) => r.kind === k && "over" in r && !("conn" in r)), `${k}: no row with a bad input`);
    if (WITH_CONNECTION.has(k)) t.true(ROWS.some((r) => r.kind === k && r.property.startsWith("connection")), `${k}: no row with a bad connection`);
  }
  const properties = [...new Set(ROWS.map((r) => `${r.kind}.${r.property}`))].sort();
  const dir = path.resolve(__dirname, "..", "figures");
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, "bad-input.json"), JSON.stringify({ badInputs: ROWS.length, properties }, null, 2) + "\n");
  t.pass();
});
