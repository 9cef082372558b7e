import { z } from "zod";
import { isIP } from "node:net";

/**
 * How to reach a host over SSH. Mirrors `@pulumi/command`'s `remote.ConnectionArgs`
 * (same names and defaults), plus `hostKey` pinning and `sudo`. The one source of the
 * connection's shape: the SDK's ConnectionArgs is this with every property a pulumi.Input.
 */
export interface Connection {
  /** The address of the host: an IP or a DNS name. */
  host: string;
  /** The SSH port. Default 22. */
  port?: number;
  /** The user to log in as. Default "root". */
  user?: string;
  /** The password, for password or keyboard-interactive authentication. Secret. */
  password?: string;
  /** The private key's text (OpenSSH or PEM), not a path. Secret. */
  privateKey?: string;
  /** The passphrase of an encrypted private key. Secret. */
  privateKeyPassword?: string;
  /** The path of an ssh-agent socket to authenticate with. */
  agentSocketPath?: string;
  /** How many times to try to connect before giving up. Default 10 (as @pulumi/command). */
  dialErrorLimit?: number;
  /** Seconds to wait for each connection attempt. Default 15. */
  perDialTimeout?: number;
  /** A jump host to tunnel through (like `ssh -J`). */
  proxy?: Connection;
  /**
   * The host's public key ("ssh-ed25519 AAAA...") or its fingerprint ("SHA256:..." as
   * `ssh-keygen -lf` prints it). When set, any other key is refused. When unset, any host key is accepted.
   */
  hostKey?: string;
  /** Run every command through `sudo -n` (a non-root user with passwordless sudo). Default false. */
  sudo?: boolean;
}

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
    .refine((s) => /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(s), "privateKey must be the key's text (-----BEGIN ... PRIVATE KEY-----), not a path")
    .optional(),
  privateKeyPassword: z.string().optional(),
  agentSocketPath: z.string().min(1).optional(),
  dialErrorLimit: z.number().int().min(1, "dialErrorLimit must be at least 1").max(100, "dialErrorLimit must be at most 100").default(10),
  perDialTimeout: z.number().min(1, "perDialTimeout is in seconds: at least 1").max(600, "perDialTimeout must be at most 600 seconds").default(15),
  hostKey: z
    .string()
    .transform((s) => s.trim())
    .refine((s) => FINGERPRINT.test(s) || PUBKEY.test(s), "hostKey must be an OpenSSH public key line ('ssh-ed25519 AAAA...') or a fingerprint ('SHA256:...' as ssh-keygen -lf prints)")
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
