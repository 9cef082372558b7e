import test from "ava";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fingerprintOf, pinFingerprint } from "../../provider/ssh/hostkey";
import { connectionSchema } from "../../provider/ssh/connection";
import { tempDir } from "./support";

/** Generate a key with ssh-keygen; return its public key line and what `ssh-keygen -lf` calls its fingerprint. */
function generate(type: string, bits?: string): { line: string; fp: string } {
  const tmp = tempDir("hostkey");
  try {
    const key = join(tmp.dir, "key");
    execFileSync("ssh-keygen", ["-q", "-t", type, ...(bits ? ["-b", bits] : []), "-N", "", "-C", "unit@test", "-f", key], { stdio: "ignore" });
    const line = readFileSync(`${key}.pub`, "utf8").trim();
    const fp = execFileSync("ssh-keygen", ["-l", "-E", "sha256", "-f", `${key}.pub`], { encoding: "utf8" }).split(/\s+/)[1];
    return { line, fp };
  } finally {
    tmp.cleanup();
  }
}

for (const [type, bits] of [["ed25519"], ["ecdsa", "256"], ["rsa", "2048"]] as const) {
  test(`fingerprintOf a ${type} key blob equals ssh-keygen -lf`, (t) => {
    const { line, fp } = generate(type, bits);
    t.regex(fp, /^SHA256:/);
    const blob = Buffer.from(line.split(" ")[1], "base64");
    t.is(fingerprintOf(blob), fp);
  });
}

test("pinFingerprint of a public key line, of its fingerprint and of the padded fingerprint agree", (t) => {
  const { line, fp } = generate("ed25519");
  t.is(pinFingerprint(line), fp);
  t.is(pinFingerprint(`  ${line}  `), fp);
  t.is(pinFingerprint(fp), fp);
  t.is(pinFingerprint(fp + "="), fp);
});

test("two different keys have different fingerprints", (t) => {
  const a = generate("ed25519");
  const b = generate("ed25519");
  t.not(pinFingerprint(a.line), pinFingerprint(b.line));
});

test("what ssh-keygen prints is accepted as connection.hostKey", (t) => {
  const { line, fp } = generate("ed25519");
  t.true(connectionSchema.safeParse({ host: "h", password: "x", hostKey: fp }).success, fp);
  t.true(connectionSchema.safeParse({ host: "h", password: "x", hostKey: line }).success, line);
});
