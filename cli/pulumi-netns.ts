#!/usr/bin/env node
/**
 * The package's command line: `pulumi-netns graph [FILE] [--mermaid] [-o OUT]`.
 * Reads `pulumi stack export` or `pulumi preview --json` from FILE or stdin and writes an
 * SVG (default) or Mermaid text to stdout or OUT. OUT is written whole or not at all
 * (a temp file renamed into place), and any error is one line on stderr with exit 1.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { GraphInputError, graphOf, renderGraph, type GraphFormat } from "../provider/graph";

const USAGE = `usage: pulumi-netns graph [FILE|-] [--mermaid|--svg] [-o OUT]

  FILE      \`pulumi stack export\` JSON (the network as it stands) or \`pulumi preview --json\`
            output (the network after the change); default or "-": standard input
  --svg     a self-contained SVG picture (default)
  --mermaid Mermaid flowchart text (GitHub renders it in a \`\`\`mermaid block)
  -o OUT    write to OUT (atomically) instead of standard output

examples:
  pulumi stack export | npx pulumi-netns graph -o network.svg
  pulumi preview --json | npx pulumi-netns graph --mermaid`;

class UsageError extends Error {}

interface Args { file?: string; format: GraphFormat; out?: string }

function parseArgs(argv: string[]): Args {
  const a: Args = { format: "svg" };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === "--mermaid") a.format = "mermaid";
    else if (x === "--svg") a.format = "svg";
    else if (x === "-o" || x === "--output") {
      if (!argv[i + 1]) throw new UsageError(`${x} needs a file name`);
      a.out = argv[++i];
    } else if (x.startsWith("--output=")) a.out = x.slice("--output=".length);
    else if (x.startsWith("-") && x !== "-") throw new UsageError(`unknown option ${x}`);
    else if (a.file !== undefined) throw new UsageError(`one input file only (got ${a.file} and ${x})`);
    else a.file = x;
  }
  return a;
}

async function readInput(file: string | undefined): Promise<string> {
  if (file === undefined || file === "-") {
    if (process.stdin.isTTY) throw new UsageError("no input: give a FILE or pipe in `pulumi stack export` / `pulumi preview --json`");
    // A stream, not readFileSync(0): a non-blocking pipe answers EAGAIN to a sync read.
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  }
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new GraphInputError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Write OUT whole: a temp file next to it, renamed over it; removed again on failure. */
function writeAtomically(out: string, text: string): void {
  const tmp = path.join(path.dirname(path.resolve(out)), `.${path.basename(out)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, out);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new GraphInputError(`cannot write ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === "-h" || cmd === "--help" || cmd === "help") {
    process.stdout.write(`${USAGE}\n`);
    return cmd === undefined ? 2 : 0;
  }
  if (cmd !== "graph") throw new UsageError(`unknown command ${cmd}; the only command is \`graph\``);
  if (rest.includes("-h") || rest.includes("--help")) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const args = parseArgs(rest);
  const text = renderGraph(graphOf(await readInput(args.file)), args.format);
  if (args.out) writeAtomically(args.out, text);
  else process.stdout.write(text);
  return 0;
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, (e: unknown) => {
  if (e instanceof UsageError) {
    process.stderr.write(`pulumi-netns: ${e.message} (see pulumi-netns graph --help)\n`);
    process.exitCode = 2;
  } else if (e instanceof GraphInputError) {
    process.stderr.write(`pulumi-netns graph: ${e.message}\n`);
    process.exitCode = 1;
  } else {
    process.stderr.write(`pulumi-netns graph: internal error: ${(e as Error).message.split("\n")[0]}\n`);
    process.exitCode = 1;
  }
});
