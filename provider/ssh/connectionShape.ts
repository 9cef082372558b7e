// The connection's shape alone, in a file that imports nothing: the SDK's public typings
// (ConnectionArgs) derive from it, and must not pull zod's or ssh2's declarations into a
// user's type check (a `pulumi new typescript` tsconfig has neither skipLibCheck nor esModuleInterop).

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
