import type { Socket } from "node:net";
import type { Client, ClientChannel } from "ssh2";

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit status; null when the command died by a signal or the connection dropped. */
  code: number | null;
}

/**
 * OpenSSH allows 10 sessions per connection (MaxSessions); stay below it and queue the rest,
 * so Pulumi's parallel resources share one connection without "open failed" errors.
 */
const MAX_CHANNELS = 8;

/**
 * Keeps the process alive only while some command uses a TCP socket: idle pooled sockets
 * must not hold it open. Counted, because a jump host's socket also carries the sessions
 * tunnelled through it.
 */
export class SocketHold {
  private holders = 0;
  constructor(readonly socket: Socket) {}

  hold(): void {
    if (this.holders++ === 0) this.socket.ref();
  }

  release(): void {
    if (--this.holders === 0) this.socket.unref();
  }
}

/** One logged-in SSH connection: runs commands on channels, at most MAX_CHANNELS at a time. */
export class Session {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  /** `tcp`: the socket the connection rides on (the jump host's, for a tunnelled one). */
  constructor(readonly client: Client, readonly target: string, readonly tcp: SocketHold) {}

  async exec(command: string, stdin?: string): Promise<ExecResult> {
    if (this.active >= MAX_CHANNELS) await new Promise<void>((r) => this.queue.push(r));
    this.active++;
    this.tcp.hold();
    try {
      return await this.execNow(command, stdin);
    } finally {
      this.active--;
      this.tcp.release();
      this.queue.shift()?.();
    }
  }

  private execNow(command: string, stdin?: string): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      this.client.exec(command, (err: Error | undefined, stream: ClientChannel) => {
        if (err) return reject(new Error(`ssh ${this.target}: could not open a session channel: ${err.message}`));
        const out: Buffer[] = [];
        const errs: Buffer[] = [];
        stream.on("data", (d: Buffer) => out.push(d));
        stream.stderr.on("data", (d: Buffer) => errs.push(d));
        stream.on("close", (code: number | null) =>
          resolve({ stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(errs).toString("utf8"), code: code ?? null }),
        );
        stream.end(stdin ?? undefined);
      });
    });
  }
}
