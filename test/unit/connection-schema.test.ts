import test from "ava";
import { connectionSchema, storedConnection, targetOf } from "../../provider/ssh/connection";
import { pinFingerprint } from "../../provider/ssh/hostkey";
import { PRIVATE_KEY } from "./support";

const FP = "SHA256:" + "A".repeat(42) + "s"; // 43 base64 characters, as ssh-keygen prints
const ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl root@host";

/** Issues of a rejected connection, as "path: message". */
function issues(input: unknown): string[] {
  const r = connectionSchema.safeParse(input);
  if (r.success) return [];
  return r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

test("defaults: port 22, user root, dialErrorLimit 10, perDialTimeout 15, sudo false", (t) => {
  const c = connectionSchema.parse({ host: "192.0.2.1", privateKey: PRIVATE_KEY });
  t.like(c, { host: "192.0.2.1", port: 22, user: "root", dialErrorLimit: 10, perDialTimeout: 15, sudo: false });
});

test("explicit values are kept", (t) => {
  const c = connectionSchema.parse({ host: "gw.example.com", port: 2222, user: "deploy", password: "pw", dialErrorLimit: 3, perDialTimeout: 5, sudo: true });
  t.like(c, { host: "gw.example.com", port: 2222, user: "deploy", password: "pw", dialErrorLimit: 3, perDialTimeout: 5, sudo: true });
});

test("each kind of auth alone is enough", (t) => {
  for (const auth of [{ privateKey: PRIVATE_KEY }, { password: "x" }, { agentSocketPath: "/run/agent.sock" }]) {
    t.true(connectionSchema.safeParse({ host: "h1", ...auth }).success, JSON.stringify(auth));
  }
});

test("IPv4, IPv6 and DNS names are accepted as host", (t) => {
  for (const host of ["10.0.0.1", "fd00::1", "::1", "localhost", "a-b.example.org", "example.org."]) {
    t.true(connectionSchema.safeParse({ host, password: "x" }).success, host);
  }
});

test("a bad host is rejected naming host", (t) => {
  for (const host of ["", "bad host", "-lead.example", "a;b", "$(id)", "x".repeat(254), "under_score.example"]) {
    const msgs = issues({ host, password: "x" });
    t.true(msgs.some((m) => m.startsWith("host: ")), `${JSON.stringify(host)} → ${msgs.join(" | ")}`);
  }
});

test("port 0, 70000 and 22.5 are rejected naming port", (t) => {
  for (const port of [0, 70000, 22.5, -1]) {
    const msgs = issues({ host: "h", password: "x", port });
    t.true(msgs.some((m) => m.startsWith("port: ")), `${port} → ${msgs.join(" | ")}`);
  }
  t.true(connectionSchema.safeParse({ host: "h", password: "x", port: 65535 }).success);
  t.true(connectionSchema.safeParse({ host: "h", password: "x", port: 1 }).success);
});

test("a user with spaces or shell syntax is rejected naming user", (t) => {
  for (const user of ["a b", "root;id", "-root", "1abc", "", "u".repeat(33)]) {
    const msgs = issues({ host: "h", password: "x", user });
    t.true(msgs.some((m) => m.startsWith("user: ")), `${JSON.stringify(user)} → ${msgs.join(" | ")}`);
  }
});

test("privateKey given as a path is rejected with a message saying so", (t) => {
  const msgs = issues({ host: "h", privateKey: "/root/.ssh/id_ed25519" });
  t.true(msgs.some((m) => m.startsWith("privateKey: ") && m.includes("not a path")), msgs.join(" | "));
});

test("missing every kind of auth is rejected naming privateKey and listing the alternatives", (t) => {
  const msgs = issues({ host: "h" });
  t.true(msgs.some((m) => m.startsWith("privateKey: ") && /password/.test(m) && /agentSocketPath/.test(m)), msgs.join(" | "));
});

test("malformed hostKey pins are rejected naming hostKey", (t) => {
  for (const hostKey of ["SHA256:short", "MD5:aa:bb", "ssh-dss AAAAB3", "ssh-ed25519", "ssh-ed25519 !!!!", "AAAAC3Nza", FP + "x"]) {
    const msgs = issues({ host: "h", password: "x", hostKey });
    t.true(msgs.some((m) => m.startsWith("hostKey: ")), `${JSON.stringify(hostKey)} → ${msgs.join(" | ")}`);
  }
});

test("a SHA256 fingerprint and an ssh-ed25519 line are accepted as hostKey (trimmed), pinned as the fingerprint", (t) => {
  t.is(connectionSchema.parse({ host: "h", password: "x", hostKey: FP }).hostKey, FP);
  t.is(connectionSchema.parse({ host: "h", password: "x", hostKey: `  ${ED25519}\n` }).hostKey, pinFingerprint(ED25519));
  t.true(connectionSchema.safeParse({ host: "h", password: "x", hostKey: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl" }).success);
});

test("a nested proxy is validated with its own defaults, and its errors carry the proxy path", (t) => {
  const c = connectionSchema.parse({ host: "10.1.0.5", password: "x", proxy: { host: "bastion", privateKey: PRIVATE_KEY } });
  t.like(c.proxy, { host: "bastion", port: 22, user: "root", sudo: false });
  const msgs = issues({ host: "10.1.0.5", password: "x", proxy: { host: "bad host", port: 0 } });
  t.true(msgs.some((m) => m.startsWith("proxy.host: ")), msgs.join(" | "));
  t.true(msgs.some((m) => m.startsWith("proxy.port: ")), msgs.join(" | "));
  t.true(msgs.some((m) => m.startsWith("proxy.privateKey: ")), msgs.join(" | "));
  const deeper = issues({ host: "a", password: "x", proxy: { host: "b", password: "x", proxy: { host: "c", password: "x", user: "a b" } } });
  t.deepEqual(deeper.map((m) => m.split(":")[0]), ["proxy.proxy.user"]);
});

test("dialErrorLimit and perDialTimeout ranges are enforced naming the property", (t) => {
  t.true(issues({ host: "h", password: "x", dialErrorLimit: 0 }).some((m) => m.startsWith("dialErrorLimit: ")));
  t.true(issues({ host: "h", password: "x", dialErrorLimit: 101 }).some((m) => m.startsWith("dialErrorLimit: ")));
  t.true(issues({ host: "h", password: "x", perDialTimeout: 0.5 }).some((m) => m.startsWith("perDialTimeout: ")));
  t.true(issues({ host: "h", password: "x", perDialTimeout: 601 }).some((m) => m.startsWith("perDialTimeout: ")));
});

test("targetOf names user@host:port and brackets IPv6 hosts", (t) => {
  t.is(targetOf({ host: "10.0.0.1", port: 22, user: "root" }), "root@10.0.0.1:22");
  t.is(targetOf({ host: "fd00::1", port: 2222, user: "deploy" }), "deploy@[fd00::1]:2222");
});

test("stored form: defaults left out (jump hosts too), the key's body alone, other values kept, parsing it again gives the same connection", (t) => {
  const given = { host: "h1", port: 22, user: "deploy", privateKey: PRIVATE_KEY, sudo: true, proxy: { host: "jump", password: "pw", perDialTimeout: 15 } };
  const parsed = connectionSchema.parse(given);
  const stored = storedConnection(parsed);
  t.deepEqual(stored as unknown, { host: "h1", user: "deploy", privateKey: "b3BlbnNzaC1rZXktdjEAAAAA", sudo: true, proxy: { host: "jump", password: "pw" } });
  t.deepEqual(connectionSchema.parse(stored), parsed);
});
