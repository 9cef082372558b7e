import { z } from "zod";
import { isIP } from "node:net";
import type { Connection } from "./connectionShape";
import { pinFingerprint } from "./hostkey";
import { armorKey, compactKey, isCompactKey } from "./keyText";

export type { Connection } from "./connectionShape";

const hostname = z
  .string()
  .min(1, "host must not be empty")
  .max(253, "host must be at most 253 characters")
  .refine(
    (s) => isIP(s) !== 0 || /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?$/.test(s),
    "host must be an IP address or a DNS name (letters, digits, '-' and '.')",
  );

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}=?$/;
const PUBKEY = /^(ssh-ed25519|ssh-rsa|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com) [A-Za-z0-9+/]+={0,3}( .*)?$/;

const base = z.strictObject({
  host: hostname,
  port: z.number().int("port must be a whole number").min(1, "port must be 1-65535").max(65535, "port must be 1-65535").default(22),
  user: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/, "user must be a login name: letters, digits, '_', '.', '-', at most 32, not starting with a digit or '-'")
    .default("root"),
  password: z.string().min(1, "password must not be empty when set").optional(),
  privateKey: z
    .string()
    .refine((s) => /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(s) || isCompactKey(s), "privateKey must be the key's text (-----BEGIN ... PRIVATE KEY-----), not a path")
    .transform((s) => armorKey(compactKey(s) ?? s)) // an OpenSSH key as ssh-keygen lays it out (state stores its body: keyText.ts)
    .optional(),
  privateKeyPassword: z.string().optional(),
  agentSocketPath: z.string().min(1).optional(),
  dialErrorLimit: z.number().int().min(1, "dialErrorLimit must be at least 1").max(100, "dialErrorLimit must be at most 100").default(10),
  perDialTimeout: z.number().min(1, "perDialTimeout is in seconds: at least 1").max(600, "perDialTimeout must be at most 600 seconds").default(15),
  hostKey: z
    .string()
    .transform((s) => s.trim())
    .refine((s) => FINGERPRINT.test(s) || PUBKEY.test(s), "hostKey must be an OpenSSH public key line ('ssh-ed25519 AAAA...') or a fingerprint ('SHA256:...' as ssh-keygen -lf prints)")
    // The pin the pool checks: the key's SHA256 fingerprint, the same pin in 50 characters instead of 80-750.
    .transform(pinFingerprint)
    .optional(),
  sudo: z.boolean().default(false),
});

type Resolved = z.output<typeof base> & { proxy?: Resolved };

/** The schema of a connection, jump hosts included. */
export const connectionSchema: z.ZodType<Resolved, Connection> = base
  .extend({ proxy: z.lazy(() => connectionSchema).optional() })
  .refine((c) => c.password || c.privateKey || c.agentSocketPath, {
    message: "set one of privateKey, password or agentSocketPath so the host can be logged in to",
    path: ["privateKey"],
  }) as z.ZodType<Resolved, Connection>;

/** A validated connection with defaults filled in. */
export type ResolvedConnection = Resolved;

/** "user@host:port", naming a target in messages and pool keys (never a secret). */
export function targetOf(c: Pick<ResolvedConnection, "host" | "port" | "user">): string {
  const h = isIP(c.host) === 6 ? `[${c.host}]` : c.host;
  return `${c.user ?? "root"}@${h}:${c.port ?? 22}`;
}

/** What the schema fills in when a property is absent (port 22, user root, ...), derived from it. */
const DEFAULTS: Partial<Resolved> = (() => {
  const { host: _h, password: _p, ...d } = connectionSchema.parse({ host: "h", password: "p" });
  return d;
})();

/**
 * A validated connection as state stores it, jump hosts too: without the properties that equal
 * their defaults, an OpenSSH private key as its base64 body (keyText.ts), the host key pin as its
 * fingerprint (the schema's). Every resource holds its connection twice (inputs and outputs) as
 * ciphertext, so each character counts ~2.7 B per resource; parsing it again (as every operation
 * does) restores the defaults and the key's armor.
 */
export function storedConnection(c: Resolved): Connection {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) {
    if (v === undefined || v === DEFAULTS[k as keyof Resolved]) continue;
    out[k] = k === "proxy" ? storedConnection(v as Resolved) : k === "privateKey" ? (compactKey(v as string) ?? v) : v;
  }
  return out as unknown as Connection;
}

/**
 * Two stored connections compared as the host sees them: defaults filled in, the key armored, the
 * host key pin a fingerprint (state from earlier releases stored the defaults, the armored key and the full host key).
 */
export function resolvedOrAsIs(c: unknown): unknown {
  const r = connectionSchema.safeParse(c);
  return r.success ? r.data : c;
}
