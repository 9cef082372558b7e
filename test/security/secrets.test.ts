import test, { type ExecutionContext } from "ava";
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import { LAB_ROOT, labDown, labUp, type Lab, type LabVmInfo } from "../../provider/lab";
import { runLocal } from "../../provider/lab/exec";
import { engineBinDir, pulumiCli, REPO_ROOT, resourceSummary, shownSteps, tail, TestStack, type PulumiResult, ok } from "../helpers/pulumi";
import { Steps } from "../helpers/steps";
import { snapshots, type HostSnapshot } from "../helpers/snapshot";

/**
 * Secrets end to end through the real engine: the root program (examples/two-node) on this
 * file's lab "secr" (index 18, LAN 10.250.18.0/24), configured the README's way (`nodes` with
 * host and pinned host key, the private key as a secret `privateKey`). The stack goes through
 * preview, preview --diff, up, stack export, refresh, a config change + preview --diff, an `up`
 * that fails on purpose (a wrong private key: authentication error), and destroy.
 *
 * Then everything the run produced is searched for the private key (and the wrong key) in
 * plaintext: the "-----BEGIN OPENSSH PRIVATE KEY-----" line and 3 distinctive 20-character
 * chunks of each key's base64 body (plus the key text base64-encoded, at each alignment):
 * - all CLI output (stdout + stderr) except `stack export --show-secrets`, the control;
 * - the `stack export`;
 * - every file under the stack's temp dir: the file backend (state, history, backups), the
 *   stack's config file, PULUMI_HOME (workspace settings, the CLI's automatic logs);
 * - the CLI's automatic logs decoded: gzip ones gunzipped, encrypted ones (PLOG) decrypted
 *   with `pulumi logs decrypt` (the stack's own secrets provider), i.e. what `pulumi logs
 *   share` would hand to Pulumi support;
 * - every file under /tmp and ~/.pulumi modified since the test started (other than the lab's
 *   own key files, the key's source, and this session's tool machinery).
 * The control: `stack export --show-secrets` must contain the key, so the grep can find it.
 * Counts go to dist/test/figures/secrets.json.
 */
const LAB = "secr";
const LAB_INDEX = 18;
const STACK = `secr-${process.pid}`;
const PASSPHRASE = `secr-passphrase-${process.pid}`;
const FIGURES = path.resolve(__dirname, "..", "figures", "secrets.json");
const BEGIN = "-----BEGIN OPENSSH PRIVATE KEY-----";

const NODES = [
  { name: "node1", subnet: "172.16.0.0/24" },
  { name: "node2", subnet: "172.16.1.0/24" },
];

let lab: Lab | undefined;
let stack: TestStack | undefined;
let binDir = "";
let keyDir = "";
let wrongKey = "";
let startedAt = 0;
let before: HostSnapshot[] = [];
/** Everything the CLI printed (and the plain export), by command; the verbose engine log (stderr of the -v=9 run) apart. */
const outputs: Array<{ what: string; text: string }> = [];
let verboseStderr = "";
let showSecrets = "";

const vms = (): LabVmInfo[] => {
  if (!lab) throw new Error("the lab is not up (see the before hook)");
  return lab.vms;
};
const st = (): TestStack => {
  if (!stack) throw new Error("the test stack was not created (see the before hook)");
  return stack;
};

/** Run a CLI command through the stack, keeping its whole output for the grep. */
async function cli(args: string[], what = `pulumi ${args.join(" ")}`): Promise<PulumiResult> {
  const r = await st().run(args);
  outputs.push({ what, text: r.stdout + "\n" + r.stderr });
  return r;
}

/** `pulumi config set --secret privateKey -- KEY`: the value after `--`, as the README's `"$(cat key)"` does. */
async function setPrivateKey(key: string, what: string): Promise<PulumiResult> {
  const r = await pulumiCli(
    ["config", "set", "--secret", "privateKey", "--stack", STACK, "--non-interactive", "--color", "never", "--config-file", st().configFile, "--", key],
    { workDir: st().workDir, passphrase: PASSPHRASE, binDir },
  );
  st().history.push({ args: ["config", "set", "--secret", "privateKey", `<${what}>`], code: r.code, ms: r.ms });
  outputs.push({ what: `pulumi config set --secret privateKey <${what}>`, text: r.stdout + "\n" + r.stderr });
  return r;
}


const steps = new Steps(test);
const step = steps.step;

// ---- What to look for. ----

interface Needle {
  /** e.g. "lab key: BEGIN line", "lab key: body chunk 2". */
  name: string;
  text: string;
}

/** The base64 body lines of an OpenSSH private key. */
const bodyLines = (key: string) => key.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("-----"));

/**
 * 3 distinctive 20-character chunks of the key's body, each within one line (so a JSON-escaped
 * newline cannot hide it): from the 2nd, 3rd and 4th body lines (the first starts with the
 * "openssh-key-v1" header every key shares), none occurring in a public key we know
 * (the key embeds its public key; a chunk must not match an authorized_keys line by chance).
 */
function chunksOf(key: string, publics: string[]): string[] {
  const lines = bodyLines(key);
  const out: string[] = [];
  for (const line of lines.slice(1)) {
    for (let at = 20; at + 20 <= line.length && out.length < 3; at += 7) {
      const c = line.slice(at, at + 20);
      if (publics.some((p) => p.includes(c)) || out.includes(c)) continue;
      out.push(c);
      break;
    }
    if (out.length === 3) break;
  }
  if (out.length < 3) throw new Error("could not pick 3 distinctive chunks of the key");
  return out;
}

/** The key text as base64 would carry it, at each of the 3 alignments: a 20-char piece from the middle of each. */
function encodedChunks(key: string): string[] {
  return [0, 1, 2].map((k) => {
    const b = Buffer.from(key.slice(k)).toString("base64");
    const mid = Math.floor(b.length / 2 / 4) * 4;
    return b.slice(mid, mid + 20);
  });
}

function needlesOf(label: string, key: string, publics: string[]): Needle[] {
  return [
    { name: `${label}: BEGIN line`, text: BEGIN },
    ...chunksOf(key, publics).map((c, k) => ({ name: `${label}: body chunk ${k + 1}`, text: c })),
    ...encodedChunks(key).map((c, k) => ({ name: `${label}: base64 of the key text, alignment ${k}`, text: c })),
  ];
}

function hitsIn(buf: Buffer | string, needles: Needle[]): string[] {
  const b = typeof buf === "string" ? Buffer.from(buf) : buf;
  return needles.filter((n) => b.includes(n.text)).map((n) => n.name);
}

// ---- What to search. ----

async function walk(dir: string, skip: (p: string) => boolean, out: string[] = []): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (skip(p)) continue;
    if (e.isDirectory()) await walk(p, skip, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

interface Corpus {
  name: string;
  items: Array<{ what: string; data: Buffer }>;
}

/** Files under `dir` (recursively) modified at or after `since`, at most 64 MiB each. */
async function filesSince(dir: string, since: number, skip: (p: string) => boolean): Promise<Array<{ what: string; data: Buffer }>> {
  const out: Array<{ what: string; data: Buffer }> = [];
  for (const f of await walk(dir, skip)) {
    const s = await fs.stat(f).catch(() => null);
    if (!s || s.mtimeMs < since - 1000 || s.size > 64 * 1024 * 1024) continue;
    const data = await fs.readFile(f).catch(() => null);
    if (data) out.push({ what: f, data });
  }
  return out;
}

/** The CLI's automatic logs in PULUMI_HOME/logs, decoded: gzip gunzipped, PLOG decrypted with the stack's secrets provider. */
async function decodedLogs(t: ExecutionContext): Promise<{ items: Array<{ what: string; data: Buffer }>; plog: number; gzip: number; undecodable: string[] }> {
  const dir = path.join(st().workDir, "home", "logs");
  const items: Array<{ what: string; data: Buffer }> = [];
  let plog = 0;
  let gzip = 0;
  const undecodable: string[] = [];
  for (const f of await walk(dir, () => false)) {
    const raw = await fs.readFile(f);
    if (raw.subarray(0, 4).toString("latin1") === "PLOG") {
      const r = await pulumiCli(["logs", "decrypt", f, "--stack", STACK, "--non-interactive", "--color", "never"], {
        workDir: st().workDir, passphrase: PASSPHRASE, binDir, cwd: path.dirname(st().configFile),
      });
      if (r.code === 0) {
        plog++;
        items.push({ what: `${f} (decrypted)`, data: Buffer.from(r.stdout + r.stderr) });
      } else undecodable.push(`${path.basename(f)}: ${tail(r.stderr, 3)}`);
    } else if (raw[0] === 0x1f && raw[1] === 0x8b) {
      try {
        items.push({ what: `${f} (gunzipped)`, data: gunzipSync(raw) });
        gzip++;
      } catch (e) {
        undecodable.push(`${path.basename(f)}: ${(e as Error).message}`);
      }
    }
  }
  if (undecodable.length) t.log(`logs that could not be decoded: ${undecodable.join("; ")}`);
  return { items, plog, gzip, undecodable };
}

// ---- Setup and teardown. ----

test.before(async (t) => {
  startedAt = Date.now();
  await fs.access(path.join(REPO_ROOT, "dist", "examples", "two-node", "index.js")); // the stack's `main`: build first
  await labDown(LAB).catch(() => undefined);
  lab = await labUp({ name: LAB, index: LAB_INDEX, nodes: 2 });
  binDir = await engineBinDir();
  keyDir = await fs.mkdtemp(path.join(os.tmpdir(), "pulumi-netns-secr-wrongkey-"));
  await runLocal(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "not-the-lab-key", "-f", path.join(keyDir, "id")]);
  wrongKey = await fs.readFile(path.join(keyDir, "id"), "utf8");
  stack = await TestStack.create(STACK, { binDir, passphrase: PASSPHRASE });
  before = await snapshots(vms());
  // What to search for, fixed now (the lab's files may be gone by the time the search runs).
  const publics = [
    ...vms().map((v) => v.hostPublicKey),
    (await fs.readFile(`${lab.privateKeyPath}.pub`, "utf8")).trim(),
    (await fs.readFile(path.join(keyDir, "id.pub"), "utf8")).trim(),
  ];
  needles = [...needlesOf("lab key", vms()[0].privateKey, publics), ...needlesOf("wrong key", wrongKey, publics).filter((n) => !n.name.endsWith("BEGIN line"))];
  // Every OpenSSH key file has the BEGIN line: outside this stack's own files only the chunks identify our keys.
  distinctive = needles.filter((n) => !n.name.endsWith("BEGIN line"));
  t.log(`stack ${STACK} in ${st().workDir}`);
});

test.after.always(async (t) => {
  if (stack) {
    // The destroy in remove() reads the connection from the state; the config is restored anyway.
    if (lab) await setPrivateKey(vms()[0].privateKey, "the lab key").catch(() => undefined);
    await stack.removeLogged(t);
    t.log(stack.historyText());
  }
  if (keyDir) await fs.rm(keyDir, { recursive: true, force: true });
  await labDown(LAB);
  t.log(steps.report());
});

// ---- The steps. ----

step(1, "configure the README's way; preview and preview --diff show the connection only as [secret]", async (t) => {
  for (const [i, vm] of vms().entries()) {
    for (const [k, v] of [
      [`nodes[${i}].name`, NODES[i].name],
      [`nodes[${i}].subnet`, NODES[i].subnet],
      [`nodes[${i}].connection.host`, vm.host],
      [`nodes[${i}].connection.hostKey`, vm.hostKeyFingerprint],
    ]) {
      const r = await cli(["config", "set", "--path", k, v]);
      if (!ok(t, r, `pulumi config set --path ${k}`)) return;
    }
  }
  if (!ok(t, await setPrivateKey(vms()[0].privateKey, "the lab key"), "pulumi config set --secret privateKey")) return;
  const cfg = await fs.readFile(st().configFile, "utf8");
  t.regex(cfg, /privateKey:\s*\n\s*secure: v1:/, "the stack's config file holds the key encrypted");

  const pv = await cli(["preview"]);
  if (!ok(t, pv, "pulumi preview")) return;
  const pd = await cli(["preview", "--diff"]);
  if (!ok(t, pd, "pulumi preview --diff")) return;
  t.regex(pd.stdout, /connection\s*:\s*\[secret\]/, "preview --diff shows the connection as [secret]");
  steps.completed = 1;
});

let createdByUp = 0;

step(2, "up builds both nodes over the pinned, key-authenticated connections", async (t) => {
  const up = await cli(["up", "--yes"]);
  if (!ok(t, up, "pulumi up")) return;
  createdByUp = resourceSummary(up.stdout).created ?? 0;
  t.true(createdByUp > 0, "up reports what it created");
  const out = await cli(["stack", "output", "connectivity", "--json"]);
  if (!ok(t, out, "pulumi stack output connectivity")) return;
  const c = JSON.parse(out.stdout) as Record<string, boolean>;
  t.is(Object.keys(c).length, 8);
  t.deepEqual(Object.entries(c).filter(([, v]) => v !== true), [], "every probe reachable");
  steps.completed = 2;
});

step(3, "stack export holds the key only as ciphertext; the control export --show-secrets holds it", async (t) => {
  const exp = await cli(["stack", "export"], "pulumi stack export");
  if (!ok(t, exp, "pulumi stack export")) return;
  const deployment = JSON.parse(exp.stdout);
  t.true(JSON.stringify(deployment).includes("4dabf18193072939515e22adb298388d"), "the export has secret values (ciphertext)");
  const shown = await st().run(["stack", "export", "--show-secrets"]); // the control: not part of the searched output
  if (!ok(t, shown, "pulumi stack export --show-secrets")) return;
  showSecrets = shown.stdout;
  const needles = needlesOf("lab key", vms()[0].privateKey, []);
  const body = needles.filter((n) => !n.name.includes("base64 of"));
  t.deepEqual(hitsIn(showSecrets, body).sort(), body.map((n) => n.name).sort(), "--show-secrets contains the BEGIN line and every chunk");
  steps.completed = 3;
});

step(4, "refresh over the secret connections finds every resource as up left it", async (t) => {
  const r = await cli(["refresh", "--yes"]);
  if (!ok(t, r, "pulumi refresh")) return;
  // Each read went over the (secret) connection and found its object unchanged: no resource is
  // reported gone or changed, and all of them were read.
  t.deepEqual(shownSteps(r.stdout, ["deleted", "updated", "update", "delete"]), [], "refresh reports nothing gone or changed");
  t.deepEqual(resourceSummary(r.stdout), { unchanged: createdByUp }, `Resources: ${createdByUp} unchanged`);
  steps.completed = 4;
});

step(5, "a config change (node2's NS1 address): preview --diff shows it, the connection still [secret]", async (t) => {
  for (const [k, v] of [["nodes[1].namespaces.NS1", "172.16.1.9"], ["nodes[1].namespaces.NS2", "172.16.1.3"]]) {
    if (!ok(t, await cli(["config", "set", "--path", k, v]), `pulumi config set --path ${k}`)) return;
  }
  const pd = await cli(["preview", "--diff"]);
  if (!ok(t, pd, "pulumi preview --diff")) return;
  t.true(pd.stdout.includes(`"172.16.1.2/24" => "172.16.1.9/24"`), "the veth's address change is shown");
  t.regex(pd.stdout, /connection\s*:\s*\[secret\]/);
  steps.completed = 5;
});

step(6, "an up with a wrong private key fails with an authentication error naming the hosts, never the key", async (t) => {
  if (!ok(t, await setPrivateKey(wrongKey, "a wrong key"), "pulumi config set --secret privateKey (wrong key)")) return;
  const up = await cli(["up", "--yes"], "pulumi up --yes (wrong key)");
  t.log(`pulumi up (wrong key): exit ${up.code} in ${(up.ms / 1000).toFixed(1)} s`);
  t.not(up.code, 0, "the up fails");
  const text = up.stdout + up.stderr;
  t.true(text.includes("authentication failed"), `an authentication error:\n${tail(up.stdout, 30)}`);
  t.true(vms().some((vm) => text.includes(`ssh root@${vm.host}:22: authentication failed`)), "the error names user, host and port");

  // The same with the engine's verbose log on stderr: what a user attaches to a bug report.
  // Its display (stdout) joins the searched output; its log (stderr) is searched apart (test 10).
  const v = await st().run(["up", "--yes", "--logtostderr", "--logflow", "-v=9"]);
  outputs.push({ what: "pulumi up --yes --logtostderr --logflow -v=9 (wrong key): stdout", text: v.stdout });
  verboseStderr = v.stderr;
  t.log(`pulumi up -v=9 (wrong key): exit ${v.code} in ${(v.ms / 1000).toFixed(1)} s, ${(v.stderr.length / 1024).toFixed(0)} KiB of log`);
  t.not(v.code, 0, "the verbose up fails the same way");
  if (!ok(t, await setPrivateKey(vms()[0].privateKey, "the lab key"), "pulumi config set --secret privateKey (restored)")) return;
  steps.completed = 6;
});

let destroyedIn7 = false;

// Regression (was a bug in provider/resource.ts `update`): a connection-only update returned
// without contacting the host, so a failed `up` with a wrong key recorded that key in the state of
// every resource whose only change was the connection, and destroy/refresh then failed. The
// update now proves the new connection with one round trip first.
test.serial("7. after that failed up and the key restored in config, the state keeps the working key and destroy works", async (t) => {
  if (steps.completed < 6) return t.fail("step 6 did not complete, so this step cannot run");
  const shown = await st().run(["stack", "export", "--show-secrets"]); // like the control: not part of the searched output
  if (ok(t, shown, "pulumi stack export --show-secrets")) {
    const wrongBody = bodyLines(wrongKey)[2];
    // The default provider's state carries the stack config (the key of the last run, encrypted): not a resource's connection.
    const poisoned = ((JSON.parse(shown.stdout).deployment?.resources ?? []) as Array<{ urn: string; type: string }>)
      .filter((r) => !r.type.startsWith("pulumi:providers:") && JSON.stringify(r).includes(wrongBody))
      .map((r) => r.urn.split("::").pop()!);
    t.log(`resources whose state holds the wrong key after the failed up: ${poisoned.length}: ${poisoned.join(", ")}`);
    t.deepEqual(poisoned, [], "no resource's state holds the key of the failed up");
  }
  const d = await cli(["destroy", "--yes"]);
  if (ok(t, d, "pulumi destroy")) destroyedIn7 = true;
  else t.log(`destroy failed: ${tail(d.stdout, 12)}`);
});

test.serial("8. recovery: an up with the restored key, then destroy; both hosts are as before", async (t) => {
  if (steps.completed < 6) return t.fail("step 6 did not complete, so this step cannot run");
  if (!destroyedIn7) {
    const up = await cli(["up", "--yes", "--skip-preview"]);
    if (!ok(t, up, "pulumi up (restored key)")) return;
    const d = await cli(["destroy", "--yes"]);
    if (!ok(t, d, "pulumi destroy")) return;
  }
  const after = await snapshots(vms());
  t.deepEqual(after, before, "both hosts as before the first up");
  steps.completed = 8;
});

interface Found {
  corpus: string;
  items: number;
  bytes: number;
  hits: string[];
}
/** Filled by test 9, used by test 10 and the figures (needles by the before hook). */
let needles: Needle[] = [];
let distinctive: Needle[] = [];
const found: Found[] = [];
let decoded = { items: [] as Array<{ what: string; data: Buffer }>, plog: 0, gzip: 0, undecodable: [] as string[] };
let controlHits: string[] = [];

function search(name: string, items: Array<{ what: string; data: Buffer }>, with_: Needle[]): Found {
  const hits = items.flatMap((i) => hitsIn(i.data, with_).map((h) => `${i.what}: ${h}`));
  const f = { corpus: name, items: items.length, bytes: items.reduce((s, i) => s + i.data.length, 0), hits };
  found.push(f);
  return f;
}

async function writeSecretsFigures(): Promise<void> {
  await fs.mkdir(path.dirname(FIGURES), { recursive: true });
  const count = (prefix: string) => found.filter((f) => f.corpus.startsWith(prefix));
  await fs.writeFile(
    FIGURES,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        test: "test/security/secrets.test.ts",
        commands: stack?.history.length ?? 0,
        commandsSearched: outputs.length,
        needles: needles.map((n) => n.name),
        corpora: found.map((f) => ({ corpus: f.corpus, items: f.items, bytes: f.bytes, hits: f.hits.length })),
        plaintextHits: count("[asserted]").reduce((s, f) => s + f.hits.length, 0),
        verboseLogHits: count("[upstream]").reduce((s, f) => s + f.hits.length, 0),
        decryptedAutomaticLogHits: count("[info]").reduce((s, f) => s + f.hits.length, 0),
        automaticLogs: { decrypted: decoded.plog, gunzipped: decoded.gzip, undecodable: decoded.undecodable.length },
        controlShowSecretsHits: controlHits.length,
        stepsCompleted: steps.completed,
      },
      null,
      2,
    ) + "\n",
  );
}

test.serial("9. the private keys appear nowhere in plaintext: CLI output, export, state, config, PULUMI_HOME, /tmp, ~/.pulumi", async (t) => {
  if (!stack || !lab || needles.length === 0) return t.fail("setup failed");
  t.log(`searching for ${needles.length} strings: ${needles.map((n) => n.name).join(", ")}`);

  // The control, with the same needles: the grep does find the lab key where it is in plaintext.
  controlHits = hitsIn(showSecrets, needles.filter((n) => n.name.startsWith("lab key") && !n.name.includes("base64 of")));
  t.is(controlHits.length, 4, `stack export --show-secrets contains the lab key (BEGIN line and 3 chunks): ${controlHits.join(", ")}`);

  const stackDir = st().workDir;
  const skipTmp = (p: string) =>
    /^\/tmp\/bash_(jobs|tool)/.test(p) || // this session's tool machinery
    p === path.join(LAB_ROOT, LAB) || // the lab's own key and VM records: the key's source
    p === keyDir || // the wrong key's source
    p === stackDir; // searched in full below
  decoded = await decodedLogs(t);
  const asserted = [
    search("[asserted] CLI output (stdout+stderr) of every command, and stack export", outputs.map((o) => ({ what: o.what, data: Buffer.from(o.text) })), needles),
    search("[asserted] stack temp dir, raw: backend state, history, backups, config file, PULUMI_HOME (automatic logs as stored)", await filesSince(stackDir, 0, () => false), needles),
    search("[asserted] /tmp, files modified since the test started", await filesSince(os.tmpdir(), startedAt, skipTmp), distinctive),
    search("[asserted] ~/.pulumi, files modified since the test started", await filesSince(path.join(os.homedir(), ".pulumi"), startedAt, () => false), distinctive),
  ];
  const info = search("[info] the CLI's automatic logs, decrypted with the stack's passphrase (pulumi logs decrypt) or gunzipped", decoded.items, needles);
  for (const f of found) t.log(`${f.corpus}: ${f.items} items, ${(f.bytes / 1024).toFixed(0)} KiB, ${f.hits.length} hits`);
  if (info.hits.length) {
    t.log(`note: the decrypted automatic logs contain the key (${info.hits.length} hits in ${new Set(info.hits.map((h) => h.split(":")[0])).size} logs); they are encrypted at rest with the stack's secrets provider, like the state's secrets`);
  }
  await writeSecretsFigures();

  const stateFiles = asserted[1].items;
  t.is(steps.completed, 8, "every step of the run completed (otherwise the search covers less)");
  t.true(outputs.length >= 15, `the output of every command was collected (${outputs.length})`);
  t.true(stateFiles >= 3, `the stack's files were searched (${stateFiles})`);
  t.true(decoded.plog + decoded.gzip > 0, "the CLI's automatic logs were found");
  t.deepEqual(asserted.flatMap((f) => f.hits), [], "no plaintext key anywhere");
});

// KNOWN UPSTREAM BUG (Pulumi engine v3.259.0, not this product): with -v=9 the engine logs every
// property it (un)marshals for RegisterResource and provider RPCs ("Unmarshaling property for
// RPC[...]: privateKey=..." and the inner "value=" of each secret envelope) before the secret
// wrapper exists at that nesting level, so the private key is printed in plaintext; the
// config-secret filter (logging.FilterString) is applied to the unformatted message only, so even
// the secret config value itself is not masked. Pulumi's docs promise that "at log level 10 or
// below, Pulumi will avoid intentionally exposing any known credentials". Nothing the provider does
// can prevent it (a nested secret still shows up as the envelope's "value="). When Pulumi fixes
// it, this test starts passing and ava reports it: then drop `.failing`.
test.serial.failing("10. the engine's verbose log (up --logtostderr --logflow -v=9) does not contain the private keys", async (t) => {
  if (!verboseStderr) {
    // Not a result about the log: step 6 did not get that far (it failed and says why). Passing
    // here makes ava report an "unexpected pass", so the run is not green by accident.
    t.log("the verbose run did not happen (see step 6): nothing to search");
    return;
  }
  const f = search("[upstream] stderr of pulumi up --logtostderr --logflow -v=9", [{ what: "pulumi up -v=9 stderr", data: Buffer.from(verboseStderr) }], needles);
  await writeSecretsFigures();
  const lines = verboseStderr.split("\n").filter((l) => needles.some((n) => l.includes(n.text)));
  const kinds = [...new Set(lines.map((l) => /"msg":"([A-Za-z ]+for RPC\[[A-Za-z.]+)/.exec(l)?.[1] ?? "other"))];
  t.log(`${lines.length} log lines carry a key; messages: ${kinds.join("; ")}`);
  t.deepEqual(f.hits, [], "no key in the verbose engine log");
});
