import test from "ava";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { utils } from "ssh2";
import { connectionSchema, resolvedOrAsIs, storedConnection } from "../../provider/ssh/connection";
import { pinFingerprint } from "../../provider/ssh/hostkey";
import { armorKey, compactKey, isCompactKey } from "../../provider/ssh/keyText";
import { bridgeProvider } from "../../provider/resources";
import { tempDir } from "./support";

/** A private key as ssh-keygen writes it (extra args: e.g. a passphrase, PEM format), and its public key line. */
function keygen(type: string, extra: string[] = []): { key: string; pub: string } {
  const tmp = tempDir("keytext");
  try {
    const file = join(tmp.dir, "key");
    execFileSync("ssh-keygen", ["-q", "-t", type, "-N", "", "-C", "unit@test", ...extra, "-f", file], { stdio: "ignore" });
    return { key: readFileSync(file, "utf8"), pub: readFileSync(`${file}.pub`, "utf8").trim() };
  } finally {
    tmp.cleanup();
  }
}

/** ssh2 parses `key` and the key it holds signs data its public key (`pub`) verifies: it would log in as `pub`. */
function authenticatesAs(t: import("ava").ExecutionContext, key: string, pub: string, passphrase?: string): void {
  const parsed = utils.parseKey(key, passphrase);
  if (parsed instanceof Error) return void t.fail(`ssh2 rejects the key: ${parsed.message}`);
  const priv = Array.isArray(parsed) ? parsed[0] : parsed;
  const pubKey = utils.parseKey(pub);
  if (pubKey instanceof Error) return void t.fail(pubKey.message);
  const data = Buffer.from("pulumi-netns key-text test");
  t.true((Array.isArray(pubKey) ? pubKey[0] : pubKey).verify(data, priv.sign(data)), "a signature by the re-armored key verifies with the public key");
  t.is(priv.getPublicSSH().toString("base64"), pub.split(" ")[1]);
}

for (const [type, extra] of [["ed25519", []], ["ecdsa", ["-b", "256"]], ["rsa", ["-b", "2048"]]] as const) {
  test(`an ssh-keygen ${type} key: compact body, re-armored byte for byte, and it still authenticates`, (t) => {
    const { key, pub } = keygen(type, [...extra]);
    const body = compactKey(key);
    if (body === undefined) return void t.fail("not compacted");
    t.true(isCompactKey(body));
    t.false(body.includes("\n") || body.includes("-----"));
    t.true(key.length - body.length >= 70, `${key.length - body.length} characters saved`);
    t.is(armorKey(body), key, "exactly the text ssh-keygen wrote");
    t.deepEqual(Buffer.from(body, "base64"), Buffer.from(key.split("\n").slice(1, -2).join(""), "base64"));
    authenticatesAs(t, armorKey(body), pub);
  });
}

test("a passphrase-protected OpenSSH key (its cipher and KDF are inside the body) round-trips and opens with the passphrase", (t) => {
  const { key, pub } = keygen("ed25519", ["-N", "s3cret"]);
  const body = compactKey(key)!;
  t.is(armorKey(body), key);
  authenticatesAs(t, armorKey(body), pub, "s3cret");
});

test("another layout of the same OpenSSH key (ssh2's 64 columns, no final newline, CRLF) keeps every byte of the key", (t) => {
  const { private: key, public: pub } = utils.generateKeyPairSync("ed25519");
  for (const variant of [key, key.trimEnd(), key.replace(/\n/g, "\r\n")]) {
    const body = compactKey(variant)!;
    t.truthy(body, JSON.stringify(variant.slice(-40)));
    t.deepEqual(Buffer.from(body, "base64"), Buffer.from(key.split("\n").slice(1, -2).join(""), "base64"));
    t.is(compactKey(armorKey(body)), body);
    authenticatesAs(t, armorKey(body), pub);
  }
});

test("PEM keys (with headers, e.g. an encrypted RSA key) and PKCS#8 keys are stored as they are", (t) => {
  const pem = keygen("rsa", ["-b", "2048", "-m", "PEM", "-N", "s3cret"]).key;
  t.regex(pem, /Proc-Type: 4,ENCRYPTED/);
  const pkcs8 = keygen("ecdsa", ["-b", "256", "-m", "PKCS8"]).key;
  for (const key of [pem, pkcs8]) {
    t.is(compactKey(key), undefined);
    t.is(armorKey(key), key);
    const stored = storedConnection(connectionSchema.parse({ host: "h", privateKey: key }));
    t.is(stored.privateKey, key);
  }
  // Text that merely looks like a body is not one: non-canonical base64, or not an OpenSSH key.
  t.false(isCompactKey("b3BlbnNzaC1rZXktdjEAAAAB="));
  t.false(isCompactKey("AAAAC3NzaC1lZDI1NTE5AAAA"));
  t.is(compactKey("-----BEGIN OPENSSH PRIVATE KEY-----\nComment: x\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n"), undefined);
});

test("state stores the key's body and the host key's fingerprint; parsing it gives ssh2 the armored key again", (t) => {
  const { key, pub } = keygen("ed25519");
  const hostKey = keygen("ed25519").pub;
  const stored = storedConnection(connectionSchema.parse({ host: "192.0.2.7", privateKey: key, hostKey, proxy: { host: "jump", privateKey: key } }));
  t.deepEqual(stored, { host: "192.0.2.7", privateKey: compactKey(key), hostKey: pinFingerprint(hostKey), proxy: { host: "jump", privateKey: compactKey(key) } });
  const again = connectionSchema.parse(stored);
  t.is(again.privateKey, key);
  t.is(again.proxy?.privateKey, key);
  t.is(again.hostKey, pinFingerprint(hostKey));
  authenticatesAs(t, again.privateKey!, pub);
  t.deepEqual(storedConnection(again), stored, "stored twice, the same");
  // A user may paste the stored body as privateKey: it is the key.
  t.true(connectionSchema.safeParse({ host: "h", privateKey: compactKey(key) }).success);
});

test("state written before (armored key, full host key line) equals the compact form: no diff, no update", async (t) => {
  const { key } = keygen("ed25519");
  const hostKey = keygen("ed25519").pub;
  const oldConn = { host: "192.0.2.7", port: 22, user: "root", privateKey: key, hostKey, dialErrorLimit: 10, perDialTimeout: 15, sudo: false };
  t.deepEqual(resolvedOrAsIs(oldConn), resolvedOrAsIs(storedConnection(connectionSchema.parse(oldConn))));
  const { inputs } = await bridgeProvider.check({}, { connection: { host: "192.0.2.7", privateKey: key, hostKey }, name: "br9" });
  t.deepEqual(inputs.connection, { host: "192.0.2.7", privateKey: compactKey(key), hostKey: pinFingerprint(hostKey) });
  const olds = { ...inputs, connection: oldConn, mac: "02:00:00:00:00:01" };
  t.deepEqual(await bridgeProvider.diff("id", olds, inputs), { changes: false, replaces: [], deleteBeforeReplace: false });
  // A different key still shows (an in-place update: the new key is proved before state trusts it).
  const other = await bridgeProvider.check({}, { connection: { host: "192.0.2.7", privateKey: keygen("ed25519").key, hostKey }, name: "br9" });
  t.true((await bridgeProvider.diff("id", olds, other.inputs)).changes);
});
