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
    if (undo) this.pushUndo(undo);
    if (STEP_DELAY) this.lines.push(`sleep ${STEP_DELAY}`);
    return this;
  }

  /**
   * Fail with an "exists" refusal when `probe` succeeds: the create's caller then looks at what
   * is there (its own leftover to take over, another owner's, or a hand-built one to adopt).
   */
  refuseIfExists(probe: Argv, message: string): this {
    return this.refuseIf(probe, EXISTS + message);
  }

  /**
   * Run `argv`; if it fails with `pattern` in its output (e.g. a route's "File exists"), refuse
   * with `message` as an "exists" refusal; any other failure fails the script with ip's own words.
   */
  stepRefusingOn(argv: Argv, pattern: string, message: string, undo?: Argv): this {
    this.lines.push(
      `out=$(${shellJoin(argv)} 2>&1) || { case "$out" in *${shellQuote(pattern)}*) printf '%s\\n' ${shellQuote(PREFIX + EXISTS + message)} >&2;; ` +
        `*) printf '%s\\n' "$out" >&2;; esac; exit 3; }`,
    );
    if (undo) this.pushUndo(undo);
    return this;
  }

  /** "Read back" / "show or empty": print a section holding `argv`'s output (empty if it fails). */
  show(argv: Argv): this {
    this.lines.push(showLine(argv));
    return this;
  }

  /**
   * "Delete if owned": run `remove` (then the follow-ups `then`) only when the shell condition
   * `ownedProbe` holds (gone or not ours: nothing). A removal that fails because the object vanished
   * meanwhile (a namespace's asynchronous cleanup takes its veth peer) succeeds; one that fails while
   * the object is still there fails the script.
   */
  deleteIfOwned(ownedProbe: string, remove: Argv, ...then: Argv[]): this {
    const steps = [`${shellJoin(remove)} || if ${ownedProbe}; then false; fi`, ...then.map((a) => shellJoin(a))];
    this.lines.push(`if ${ownedProbe}; then ${steps.join("; ")}; fi`);
    return this;
  }

  /** Run `argv`, its failure ignored: a removal whose object may already be gone (a forgiving delete). */
  forgiving(argv: Argv): this {
    this.lines.push(`${shellJoin(argv)} >/dev/null 2>&1 || true`);
    return this;
  }

  /** Register `undo` to run first if the script later fails (its own failure ignored). */
  private pushUndo(undo: Argv): void {
    this.lines.push(`undo=${shellQuote(shellJoin(undo) + " 2>/dev/null; ")}"$undo"`);
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

/** Starts each section a `show` step prints. */
const SECTION = "--pulumi-netns-section--";

/** One "show or empty" line: a section marker, then the command's output (nothing if it fails). */
export function showLine(argv: Argv): string {
  return `printf '%s\\n' ${SECTION}; ${shellJoin(argv)} 2>/dev/null || true`;
}

/** A section holding `argv`'s output (stdout and stderr) and, on its last line, `rc=<exit status>`: for probes whose failure is a result. */
export function statusLine(argv: Argv): string {
  return `printf '%s\\n' ${SECTION}; ${shellJoin(argv)} 2>&1; printf 'rc=%s\\n' "$?"`;
}

/** A read-only script of "show or empty" sections (no undo machinery: nothing to undo). */
export function showScript(...argvs: Argv[]): string {
  return argvs.map(showLine).join("\n") + "\n";
}

/** The sections of a script's stdout, in the order the `show` steps ran (the one way output is parsed). */
export function sectionsOf(stdout: string): string[] {
  return stdout.split(`${SECTION}\n`).slice(1).map((s) => s.trim());
}

/** Messages our scripts print for refusals start with this, so callers can show them cleanly. */
export const PREFIX = "pulumi-netns: ";

/** A refusal because the object already exists: create looks at it (take over, adopt, or refuse). */
export const EXISTS = "exists: ";

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
