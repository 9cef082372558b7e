import type * as pulumi from "@pulumi/pulumi";

/**
 * How to reach a host over SSH. Mirrors `@pulumi/command`'s `remote.ConnectionArgs`
 * (same names and defaults), plus `hostKey` pinning and `sudo`. The whole connection
 * is stored as a secret in state.
 */
export interface ConnectionArgs {
  /** The address of the host: an IP or a DNS name. */
  host: pulumi.Input<string>;
  /** The SSH port. Default 22. */
  port?: pulumi.Input<number>;
  /** The user to log in as. Default "root". */
  user?: pulumi.Input<string>;
  /** The password, for password or keyboard-interactive authentication. */
  password?: pulumi.Input<string>;
  /** The private key's text (OpenSSH or PEM), not a path. */
  privateKey?: pulumi.Input<string>;
  /** The passphrase of an encrypted private key. */
  privateKeyPassword?: pulumi.Input<string>;
  /** The path of an ssh-agent socket to authenticate with. */
  agentSocketPath?: pulumi.Input<string>;
  /** How many times to try to connect before giving up. Default 10. */
  dialErrorLimit?: pulumi.Input<number>;
  /** Seconds to wait for each connection attempt. Default 15. */
  perDialTimeout?: pulumi.Input<number>;
  /** A jump host to tunnel through (like `ssh -J`). */
  proxy?: pulumi.Input<ConnectionArgs>;
  /**
   * The host's public key ("ssh-ed25519 AAAA...") or its fingerprint ("SHA256:...").
   * When set, any other key is refused. When unset, any host key is accepted.
   */
  hostKey?: pulumi.Input<string>;
  /** Run every command through `sudo -n` (a non-root user with passwordless sudo). Default false. */
  sudo?: pulumi.Input<boolean>;
}
