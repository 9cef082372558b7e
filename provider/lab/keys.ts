/** ssh-keygen wrappers: lab user key and per-VM host keys, all ed25519. */
import * as fs from "node:fs/promises";
import { out, runLocal } from "./exec";

/** Create an ed25519 key pair at `file` (+ .pub) unless it exists. Private key mode 600. */
export async function ensureKey(file: string, comment: string): Promise<void> {
  const have = await fs.stat(file).catch(() => null);
  const havePub = await fs.stat(`${file}.pub`).catch(() => null);
  if (have && havePub) return;
  await fs.rm(file, { force: true });
  await fs.rm(`${file}.pub`, { force: true });
  await runLocal(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", file]);
  await fs.chmod(file, 0o600);
}

/** "ssh-ed25519 AAAA..." of a .pub file, comment dropped. */
export async function publicKey(pubFile: string): Promise<string> {
  const [type, b64] = (await fs.readFile(pubFile, "utf8")).trim().split(/\s+/);
  if (!type || !b64) throw new Error(`lab: malformed public key ${pubFile}`);
  return `${type} ${b64}`;
}

/** "SHA256:..." exactly as `ssh-keygen -lf` prints it. */
export async function fingerprint(pubFile: string): Promise<string> {
  const fp = (await out(["ssh-keygen", "-E", "sha256", "-lf", pubFile])).split(/\s+/)[1];
  if (!fp?.startsWith("SHA256:")) throw new Error(`lab: unexpected ssh-keygen -lf output for ${pubFile}`);
  return fp;
}
