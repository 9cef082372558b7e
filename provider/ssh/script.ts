import { type Argv, shellJoin, shellQuote } from "./quote";

/**
 * A remote script that runs steps in order and, if any step fails or the
 * session is cut (SIGHUP), undoes what it made so far in reverse order.
 * A create is one round trip and never leaves half an object behind.
 */
export class Script {
  private readonly lines: string[] = [
    "set -e",
    "undo=''",
    // On failure, undo in reverse order; the undo steps themselves must not stop on error.
    `trap 'rc=$?; trap - EXIT; if [ "$rc" -ne 0 ]; then set +e; eval "$undo"; fi; exit "$rc"' EXIT`,
    "trap 'exit 129' HUP",
    // A write to a client that is gone fails with SIGPIPE: exit through the undo, not silently.
    "trap 'exit 141' PIPE",
    "trap 'exit 143' TERM",
    "trap 'exit 130' INT",
  ];

  /** Fail with `message` (exit 3) when `probe` succeeds: e.g. "the object already exists". */
  refuseIf(probe: Argv, message: string): this {
    this.lines.push(`if ${shellJoin(probe)} >/dev/null 2>&1; then printf '%s\\n' ${shellQuote(PREFIX + message)} >&2; exit 3; fi`);
    return this;
  }

  /** Fail with `message` (exit 3) unless `probe` succeeds. */
  requireThat(probe: Argv, message: string): this {
    this.lines.push(`if ! ${shellJoin(probe)} >/dev/null 2>&1; then printf '%s\\n' ${shellQuote(PREFIX + message)} >&2; exit 3; fi`);
    return this;
  }

  /** Run a step; `undo` (if given) is registered once the step has succeeded. */
  step(argv: Argv, undo?: Argv): this {
    this.lines.push(shellJoin(argv));
    if (undo) this.lines.push(`undo=${shellQuote(shellJoin(undo) + " 2>/dev/null; ")}"$undo"`);
    if (STEP_DELAY) this.lines.push(`sleep ${STEP_DELAY}`);
    return this;
  }

  /** Raw shell, for conditionals built by the caller from quoted parts. */
  raw(line: string): this {
    this.lines.push(line);
    return this;
  }

  toString(): string {
    // The last act is a write to the client: if the connection was cut while the steps ran,
    // it fails (EPIPE/SIGPIPE, or SIGHUP through sudo's pty) and the undo removes what was made.
    return [...this.lines, "printf '%s\\n' done >&2"].join("\n") + "\n";
  }
}

/**
 * Test hook for fault injection: seconds to pause after each step, so a test can cut the
 * connection in the middle of a create. Never set it outside tests.
 */
const STEP_DELAY = /^\d+(\.\d+)?$/.test(process.env.PULUMI_NETNS_TEST_STEP_DELAY ?? "") ? process.env.PULUMI_NETNS_TEST_STEP_DELAY : undefined;

/** Messages our scripts print for refusals start with this, so callers can show them cleanly. */
export const PREFIX = "pulumi-netns: ";

/** The refusal message in a failed script's stderr, if any. */
export function refusalOf(stderr: string): string | undefined {
  const line = stderr.split("\n").find((l) => l.startsWith(PREFIX));
  return line?.slice(PREFIX.length);
}

/**
 * Is this line of a script its machinery (preamble, undo bookkeeping, final write) rather than
 * one of its steps? Error messages show only the steps; derived from the Script itself, so
 * they stay right when the preamble changes.
 */
export function isScriptMachinery(line: string): boolean {
  return line.startsWith("undo=") || new Script().toString().split("\n").includes(line);
}
