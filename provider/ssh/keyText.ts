/**
 * An OpenSSH private key ("-----BEGIN OPENSSH PRIVATE KEY-----", the format ssh-keygen writes)
 * as state stores it: its base64 body alone. The armor lines and line breaks carry nothing (the
 * OpenSSH format has no headers: cipher, KDF and comment are inside the body), yet cost ~85
 * characters of every connection's plaintext, stored twice per resource. PEM keys (which may carry
 * headers, e.g. an encrypted RSA key's Proc-Type and DEK-Info) and PKCS#8 keys are kept as they are.
 */

const BEGIN = "-----BEGIN OPENSSH PRIVATE KEY-----";
const END = "-----END OPENSSH PRIVATE KEY-----";
/** Every OpenSSH key body starts with base64("openssh-key-v1\0") (20 characters): how a compact key is recognised. */
const MAGIC = "b3BlbnNzaC1rZXktdjEA";
const ARMORED = new RegExp(`^\\s*${BEGIN}\\r?\\n([A-Za-z0-9+/=\\r\\n]+?)\\r?\\n${END}\\s*$`);
const BODY = /^[A-Za-z0-9+/]+={0,2}$/;

/** A body whose base64 is canonical (decoding and encoding it again gives it back): no bits are lost either way. */
function isBody(b64: string): boolean {
  return b64.startsWith(MAGIC) && BODY.test(b64) && Buffer.from(b64, "base64").toString("base64") === b64;
}

/** The base64 body of an OpenSSH private key, or undefined when `key` is anything else (PEM, PKCS#8, already compact). */
export function compactKey(key: string): string | undefined {
  const m = ARMORED.exec(key);
  const body = m?.[1].replace(/\r?\n/g, "");
  return body !== undefined && isBody(body) ? body : undefined;
}

/** Whether `key` is a compact OpenSSH key (what compactKey returns). */
export function isCompactKey(key: string): boolean {
  return isBody(key);
}

/** A compact key armored again, laid out as ssh-keygen writes it (70 columns, final newline); other text as it is. */
export function armorKey(key: string): string {
  if (!isBody(key)) return key;
  return `${BEGIN}\n${key.match(/.{1,70}/g)!.join("\n")}\n${END}\n`;
}
