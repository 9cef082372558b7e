/**
 * Local command runner for the lab. Always argv + execFile: no shell, so a
 * name can never turn into shell syntax.
 */
import { execFile } from "node:child_process";

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number;
}

export class LabCommandError extends Error {
  constructor(readonly argv: readonly string[], readonly code: number | string | null, readonly stderr: string) {
    super(`lab: command failed (exit ${code ?? "signal"}): ${argv.join(" ")}\n${stderr.trim() || "(no stderr)"}`);
    this.name = "LabCommandError";
  }
}

export interface RunOptions {
  /** Resolve with the exit code instead of throwing on a non-zero exit. */
  allowFail?: boolean;
  input?: string;
  timeoutMs?: number;
}

/** Run argv[0] with argv[1..]; throws LabCommandError unless allowFail. */
export function runLocal(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  if (argv.length === 0) throw new Error("runLocal: empty argv");
  return new Promise((resolve, reject) => {
    const child = execFile(
      argv[0],
      argv.slice(1),
      { encoding: "utf8", timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (!err) return resolve({ stdout, stderr, code: 0 });
        const e = err as NodeJS.ErrnoException & { code?: number | string };
        // A missing binary (ENOENT) is never "allowed": it is a setup bug.
        if (opts.allowFail && typeof e.code === "number") return resolve({ stdout, stderr, code: e.code });
        reject(new LabCommandError(argv, e.code ?? null, stderr || e.message));
      },
    );
    // Always close stdin so a command that reads it cannot hang the lab; a
    // command that exits without reading it must not crash us with EPIPE.
    child.stdin?.on("error", () => {});
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

/** Run and return trimmed stdout. */
export async function out(argv: readonly string[]): Promise<string> {
  return (await runLocal(argv)).stdout.trim();
}
