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
    return this;
  }

  /** Raw shell, for conditionals built by the caller from quoted parts. */
  raw(line: string): this {
    this.lines.push(line);
    return this;
  }

  get empty(): boolean {
    return this.lines.length === 6;
  }

  toString(): string {
    return this.lines.join("\n") + "\n";
  }
}

/** Messages our scripts print for refusals start with this, so callers can show them cleanly. */
export const PREFIX = "pulumi-netns: ";

/** The refusal message in a failed script's stderr, if any. */
export function refusalOf(stderr: string): string | undefined {
  const line = stderr.split("\n").find((l) => l.startsWith(PREFIX));
  return line?.slice(PREFIX.length);
}
