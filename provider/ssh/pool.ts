import { createHash } from "node:crypto";
import { connect as tcpConnect, type Socket } from "node:net";
import type { Client, ConnectConfig, ClientChannel } from "ssh2";

/** ssh2 is loaded at the first dial, not with the core: `preview`, check and diff open no connection (~40 ms CPU saved there). */
const ssh2 = (): typeof import("ssh2") => require("ssh2") as typeof import("ssh2");
import { type ResolvedConnection, targetOf } from "./connection";
import { SshAuthError, SshDialError, SshExecError, SshHostKeyError } from "./errors";
import { fingerprintOf, pinFingerprint } from "./hostkey";
import { shellQuote } from "./quote";
import { type ExecResult, Session, SocketHold } from "./session";

export type { ExecResult };

/** Per-target counters, so tests and the benchmark can count handshakes and round trips. */
export interface TargetStats {
  handshakes: number;
  execs: number;
}

/** Commands run under a known PATH (sbin for non-root users) and the C locale (stable output). */
const PRELUDE = "export PATH=\"$PATH:/usr/local/sbin:/usr/sbin:/sbin\" LC_ALL=C; ";

/**
 * One SSH connection per target per process, reused by every operation. A target is the
 * whole way in: host, port and user, plus the credentials and host-key pin (hashed) and the
 * jump-host chain, so a connection made one way is never reused for another.
 * Dial errors retry with backoff up to `dialErrorLimit`; authentication and host-key
 * failures do not retry.
 */
export class SshPool {
  private readonly sessions = new Map<string, Promise<Session>>();
  private readonly counters = new Map<string, TargetStats>();

  /** Run a shell script on the host (through `sudo -n` when `conn.sudo`). One round trip. */
  async exec(conn: ResolvedConnection, script: string, stdin?: string): Promise<ExecResult> {
    const session = await this.session(conn);
    this.stats(conn).execs++;
    const inner = PRELUDE + script;
    const command = conn.sudo ? `sudo -n sh -c ${shellQuote(inner)}` : `sh -c ${shellQuote(inner)}`;
    return session.exec(command, stdin);
  }

  /** Like `exec`, but a non-zero exit throws an error naming host, command and stderr. */
  async run(conn: ResolvedConnection, script: string, stdin?: string): Promise<string> {
    const r = await this.exec(conn, script, stdin);
    if (r.code !== 0) throw new SshExecError(targetOf(conn), script, r.code, r.stdout, r.stderr);
    return r.stdout;
  }

  stats(conn: Pick<ResolvedConnection, "host" | "port" | "user">): TargetStats {
    const key = targetOf(conn);
    let s = this.counters.get(key);
    if (!s) this.counters.set(key, (s = { handshakes: 0, execs: 0 }));
    return s;
  }

  /** Close every pooled connection (tests and short-lived tools call this when done). */
  async closeAll(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map(async (p) => (await p.catch(() => undefined))?.client.end()));
  }

  private session(conn: ResolvedConnection): Promise<Session> {
    const key = keyOf(conn);
    let p = this.sessions.get(key);
    if (!p) {
      p = this.dial(conn);
      this.sessions.set(key, p);
      p.then(
        (s) => s.client.on("close", () => this.sessions.get(key) === p && this.sessions.delete(key)),
        () => this.sessions.get(key) === p && this.sessions.delete(key),
      );
    }
    return p;
  }

  private async dial(conn: ResolvedConnection): Promise<Session> {
    const target = targetOf(conn);
    let last: Error = new Error("no attempt made");
    for (let attempt = 1; attempt <= conn.dialErrorLimit; attempt++) {
      try {
        const { client, tcp } = await this.dialOnce(conn);
        this.stats(conn).handshakes++;
        return new Session(client, target, tcp);
      } catch (e) {
        if (e instanceof SshAuthError || e instanceof SshHostKeyError) throw e;
        last = e as Error;
        if (attempt < conn.dialErrorLimit) await sleep(Math.min(200 * 2 ** (attempt - 1), 5000));
      }
    }
    throw new SshDialError(target, conn.dialErrorLimit, last.message);
  }

  /**
   * One handshake over a socket we open ourselves (public API, not ssh2's private `_sock`):
   * a TCP socket with TCP_NODELAY, or a channel tunnelled through the jump host.
   */
  private async dialOnce(conn: ResolvedConnection): Promise<{ client: Client; tcp: SocketHold }> {
    const jump = conn.proxy ? await this.session(conn.proxy) : undefined;
    let tcp: SocketHold;
    if (jump) tcp = jump.tcp;
    else {
      const s = tcpConnect({ host: conn.host, port: conn.port });
      // Many small request/reply exchanges: without TCP_NODELAY, Nagle and delayed ACKs
      // add ~40 ms to each of a command's round trips.
      s.setNoDelay(true);
      // Dead peers are found by the kernel's TCP keepalive rather than ssh2's keepalive, whose
      // interval timer would keep an idle process alive (a tunnelled connection rides on this socket).
      s.setKeepAlive(true, 15_000);
      tcp = new SocketHold(s);
    }
    tcp.hold(); // the process waits for the handshake; released (unref'd) once it is over
    try {
      const sock = jump ? await forward(jump, conn.host, conn.port) : tcp.socket;
      return { client: await this.handshake(conn, sock), tcp };
    } finally {
      tcp.release();
    }
  }

  private handshake(conn: ResolvedConnection, sock: Socket | ClientChannel): Promise<Client> {
    const target = targetOf(conn);
    const pin = conn.hostKey ? pinFingerprint(conn.hostKey) : undefined;
    let mismatch: SshHostKeyError | undefined;
    const config: ConnectConfig = {
      host: conn.host,
      port: conn.port,
      username: conn.user,
      password: conn.password,
      privateKey: conn.privateKey,
      passphrase: conn.privateKeyPassword,
      agent: conn.agentSocketPath,
      tryKeyboard: conn.password !== undefined,
      readyTimeout: conn.perDialTimeout * 1000,
      keepaliveInterval: 0,
      sock,
      hostVerifier: (key: Buffer) => {
        if (!pin) return true;
        const actual = fingerprintOf(key);
        if (actual === pin) return true;
        mismatch = new SshHostKeyError(target, pin, actual);
        return false;
      },
    };
    return new Promise((resolve, reject) => {
      const client = new (ssh2().Client)();
      client.once("ready", () => {
        client.removeAllListeners("error");
        client.on("error", () => undefined); // later errors surface as a closed channel
        resolve(client);
      });
      client.once("error", (err: Error & { level?: string }) => {
        client.end();
        if (mismatch) return reject(mismatch);
        if (err.level === "client-authentication") return reject(new SshAuthError(target, methodsOf(conn)));
        reject(err);
      });
      client.connect(config);
    });
  }
}

/** A TCP stream to host:port opened through a jump host's session (ProxyJump). */
function forward(jump: Session, host: string, port: number): Promise<ClientChannel> {
  return new Promise((resolve, reject) =>
    jump.client.forwardOut("127.0.0.1", 0, host, port, (err, stream) =>
      err ? reject(new Error(`ssh ${jump.target}: jump to ${host}:${port} failed: ${err.message}`)) : resolve(stream),
    ),
  );
}

/**
 * Pool key: the target plus a digest of how we authenticate and what we pin, so a
 * connection made with one key or pin is never reused for another.
 */
function keyOf(c: ResolvedConnection): string {
  const cred = createHash("sha256")
    .update(JSON.stringify([c.privateKey, c.privateKeyPassword, c.password, c.agentSocketPath, c.hostKey]))
    .digest("hex")
    .slice(0, 16);
  return (c.proxy ? keyOf(c.proxy) + " -> " : "") + `${targetOf(c)}#${cred}`;
}

function methodsOf(c: ResolvedConnection): string[] {
  return [
    c.privateKey ? "publickey" : "",
    c.agentSocketPath ? "agent" : "",
    c.password ? "password, keyboard-interactive" : "",
  ].filter(Boolean);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The process-wide pool: every resource of a host shares its one connection. */
export const pool = new SshPool();
