/**
 * POSIX shell quoting. Every value that reaches a remote shell goes through
 * `shellQuote`, so a name can only ever be one argument, never shell syntax.
 */

/** Characters that never need quoting in a POSIX shell word. */
const SAFE = /^[A-Za-z0-9_./:=@%+,-]+$/;

/** Quote one argument for a POSIX shell (`sh`, `bash`, `dash`). */
export function shellQuote(arg: string): string {
  if (arg.includes("\0")) {
    throw new Error("shellQuote: NUL bytes cannot be passed to a shell");
  }
  if (SAFE.test(arg)) return arg;
  return "'" + arg.replace(/'/g, "'\\''") + "'";
}

/** An argv vector: program and arguments, unquoted. */
export type Argv = readonly string[];

/** Join an argv vector into one shell command line. */
export function shellJoin(argv: Argv): string {
  if (argv.length === 0) throw new Error("shellJoin: empty command");
  return argv.map(shellQuote).join(" ");
}
