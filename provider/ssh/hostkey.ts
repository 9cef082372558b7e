import { createHash } from "node:crypto";

/** OpenSSH's fingerprint of a raw public key blob: "SHA256:" + unpadded base64 of its SHA-256. */
export function fingerprintOf(blob: Buffer): string {
  return "SHA256:" + createHash("sha256").update(blob).digest("base64").replace(/=+$/, "");
}

/** The fingerprint a `hostKey` pin stands for (a fingerprint, or a public key line). */
export function pinFingerprint(pin: string): string {
  if (pin.startsWith("SHA256:")) return pin.replace(/=+$/, "");
  const b64 = pin.trim().split(/\s+/)[1] ?? "";
  return fingerprintOf(Buffer.from(b64, "base64"));
}
