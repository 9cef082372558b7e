/** Errors of the SSH transport. Messages name the host and never carry secrets. */
import { isScriptMachinery } from "./script";

export class SshDialError extends Error {
  constructor(readonly target: string, readonly attempts: number, cause: string) {
    super(`ssh ${target}: could not connect after ${attempts} attempt(s): ${cause}`);
    this.name = "SshDialError";
  }
}

export class SshAuthError extends Error {
  constructor(readonly target: string, readonly methods: string[]) {
    super(
      `ssh ${target}: authentication failed (methods tried: ${methods.join(", ") || "none"}); ` +
        `check connection.user and connection.privateKey / password / agentSocketPath`,
    );
    this.name = "SshAuthError";
  }
}

export class SshHostKeyError extends Error {
  constructor(readonly target: string, readonly expected: string, readonly actual: string) {
    super(
      `ssh ${target}: host key mismatch: connection.hostKey pins ${expected} but the host presented ${actual}. ` +
        `If the host was rebuilt on purpose, update connection.hostKey; otherwise do not connect.`,
    );
    this.name = "SshHostKeyError";
  }
}

export class SshExecError extends Error {
  constructor(
    readonly target: string,
    readonly command: string,
    readonly code: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(
      code === null
        ? `ssh ${target}: the command was cut off (connection lost or the session killed) while running: ${summary(command)}\n` +
            `Create scripts undo their own steps when cut off; run the update again.`
        : `ssh ${target}: command failed (exit ${code}): ${summary(command)}\n` +
            `stderr: ${truncate(stderr.trim(), 2000) || "(empty)"}`,
    );
    this.name = "SshExecError";
  }
}

/** The script's own steps on one line, without the undo/trap preamble every script carries. */
function summary(script: string): string {
  const steps = script
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !isScriptMachinery(l));
  return truncate(steps.join("; "), 400);
}

function truncate(s: string, n: number): string {
  return s.length > n ? s.slice(0, n) + "…" : s;
}
