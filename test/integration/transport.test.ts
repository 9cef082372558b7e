import test from "ava";
import { vmExec } from "../../provider/lab";
import { SshPool } from "../../provider/ssh/pool";
import { connectionSchema } from "../../provider/ssh/connection";
import { SshAuthError, SshHostKeyError } from "../../provider/ssh/errors";
import { shellJoin } from "../../provider/ssh/quote";
import { rootConnection, sudoConnection, useLab } from "../helpers/lab";

/** The ssh2 transport against real sshd: pooling, pinning, sudo, auth errors. */
const lab = useLab(test, { name: "ssh", index: 6, nodes: 2 });
const pool = new SshPool();
test.after.always(() => pool.closeAll());

/** Established TCP connections to the VM's sshd, counted by the kernel inside the VM. */
async function sshdConnections(vmIndex: number): Promise<number> {
  const out = (await vmExec(lab().vms[vmIndex], ["ss", "-Htn", "state", "established", "( sport = :22 )"])).stdout;
  return out.split("\n").filter(Boolean).length;
}

test.serial("exec on each VM: hostname and ip -json link", async (t) => {
  const names = new Set<string>();
  for (const vm of lab().vms) {
    const c = rootConnection(vm);
    names.add((await pool.run(c, "hostname")).trim());
    const links = JSON.parse(await pool.run(c, "ip -json link")) as Array<{ ifname: string }>;
    t.truthy(links.find((l) => l.ifname === "eth0"));
    const r = await pool.exec(c, "echo out; echo err >&2; exit 7");
    t.deepEqual(r, { stdout: "out\n", stderr: "err\n", code: 7 });
  }
  t.is(names.size, 2);
});

test.serial("nested namespace NS1 on both VMs at once, no collision", async (t) => {
  const [a, b] = lab().vms.map(rootConnection);
  await Promise.all([pool.run(a, "ip netns add NS1"), pool.run(b, "ip netns add NS1")]);
  try {
    for (const c of [a, b]) t.deepEqual(JSON.parse(await pool.run(c, "ip -json netns list")), [{ name: "NS1" }]);
    await pool.run(a, "ip -n NS1 link set lo alias only-on-a");
    t.notRegex(await pool.run(b, "ip -n NS1 link show lo"), /only-on-a/);
  } finally {
    await Promise.all([pool.run(a, "ip netns del NS1"), pool.run(b, "ip netns del NS1")]);
  }
});

test.serial("50 sequential execs on one host use one TCP connection", async (t) => {
  const p = new SshPool();
  const c = rootConnection(lab().vms[1]);
  const before = await sshdConnections(1);
  try {
    for (let i = 0; i < 50; i++) t.is((await p.run(c, `echo ${i}`)).trim(), String(i));
    t.is(p.stats(c).handshakes, 1);
    t.is(p.stats(c).execs, 50);
    t.is((await sshdConnections(1)) - before, 1, "one more established connection on the sshd side");
  } finally {
    await p.closeAll();
  }
});

test.serial("parallel execs beyond sshd's MaxSessions queue on the one connection", async (t) => {
  const p = new SshPool();
  const c = rootConnection(lab().vms[0]);
  try {
    const outs = await Promise.all(Array.from({ length: 40 }, (_, i) => p.run(c, `sleep 0.1; echo ${i}`)));
    t.deepEqual(outs.map((o) => Number(o)), Array.from({ length: 40 }, (_, i) => i));
    t.is(p.stats(c).handshakes, 1);
  } finally {
    await p.closeAll();
  }
});

test.serial("a wrong host-key pin is refused, naming both fingerprints", async (t) => {
  const [a, b] = lab().vms;
  const c = connectionSchema.parse({ host: a.host, privateKey: a.privateKey, hostKey: b.hostPublicKey, dialErrorLimit: 3 });
  const e = await t.throwsAsync(pool.run(c, "true"), { instanceOf: SshHostKeyError });
  t.true(e!.message.includes(b.hostKeyFingerprint) && e!.message.includes(a.hostKeyFingerprint));
  // The right pin as a fingerprint works.
  t.is(await pool.run(connectionSchema.parse({ host: a.host, privateKey: a.privateKey, hostKey: a.hostKeyFingerprint }), "echo ok"), "ok\n");
});

test.serial("sudo path: the non-root user runs commands as root through sudo -n", async (t) => {
  const vm = lab().vms[0];
  t.is((await pool.run(sudoConnection(vm), "id -u")).trim(), "0");
  const plain = connectionSchema.parse({ host: vm.host, user: vm.users.sudo, privateKey: vm.privateKey });
  t.not((await pool.run(plain, "id -u")).trim(), "0");
  // Hostile text stays one argument through both shells (ssh's and sudo's).
  const hostile = `a'b"c $(touch /tmp/pwned) \`id\` ; | & > x`;
  t.is(await pool.run(sudoConnection(vm), `printf %s ${shellJoin([hostile])}`), hostile);
});

test.serial("a wrong key fails fast with an auth error that names the methods, not the secret", async (t) => {
  const vm = lab().vms[0];
  const other = await vmExec(vm, ["sh", "-c", "ssh-keygen -q -t ed25519 -N '' -f /tmp/wrongkey && cat /tmp/wrongkey && rm -f /tmp/wrongkey /tmp/wrongkey.pub"]);
  const c = connectionSchema.parse({ host: vm.host, privateKey: other.stdout, dialErrorLimit: 5 });
  const started = Date.now();
  const e = await t.throwsAsync(pool.run(c, "true"), { instanceOf: SshAuthError });
  t.regex(e!.message, /authentication failed \(methods tried: publickey\)/);
  t.false(e!.message.includes("PRIVATE KEY"));
  t.true(Date.now() - started < 5000, "auth failures are not retried");
});

test.serial("a jump host (proxy) reaches the second VM through the first, pinned on both hops", async (t) => {
  const [a, b] = lab().vms;
  const p = new SshPool();
  try {
    const c = connectionSchema.parse({
      host: b.host, privateKey: b.privateKey, hostKey: b.hostPublicKey,
      proxy: { host: a.host, privateKey: a.privateKey, hostKey: a.hostPublicKey },
    });
    t.is((await p.run(c, "hostname")).trim(), b.name);
    // The second hop's TCP connection comes from the jump host's LAN address, not from ours.
    t.regex(await p.run(c, "echo $SSH_CLIENT"), new RegExp(`^${a.host.replace(/\./g, "\\.")} `));
  } finally {
    await p.closeAll();
  }
});

test.serial("ssh-agent authentication through agentSocketPath", async (t) => {
  const vm = lab().vms[0];
  const dir = (await import("node:fs")).mkdtempSync("/tmp/pnetns-agent-");
  const sock = `${dir}/agent.sock`;
  const { execFileSync } = await import("node:child_process");
  const out = execFileSync("ssh-agent", ["-a", sock, "-s"], { encoding: "utf8" });
  const pid = /SSH_AGENT_PID=(\d+)/.exec(out)![1];
  try {
    execFileSync("ssh-add", [vm.privateKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: "ignore" });
    const p = new SshPool();
    t.is((await p.run(connectionSchema.parse({ host: vm.host, agentSocketPath: sock, hostKey: vm.hostPublicKey }), "id -un")).trim(), "root");
    await p.closeAll();
  } finally {
    process.kill(Number(pid));
    (await import("node:fs")).rmSync(dir, { recursive: true, force: true });
  }
});
