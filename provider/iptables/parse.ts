import type { RuleSpec } from "./rule";

/** Split one `iptables -S` line into words, honouring the double quotes it prints around comments. */
export function splitRuleLine(line: string): string[] {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : m[2]);
  return words;
}

/** Parse one `-A CHAIN ...` line into a spec plus its comment; undefined for other lines. */
export function parseRuleLine(table: string, line: string): (RuleSpec & { comment?: string }) | undefined {
  const w = splitRuleLine(line.trim());
  if (w[0] !== "-A" || w.length < 2) return undefined;
  const r: RuleSpec & { comment?: string } = { table, chain: w[1], jump: "" };
  for (let i = 2; i < w.length; i++) {
    const neg = w[i] === "!";
    if (neg) i++;
    switch (w[i]) {
      case "-s": r.source = w[++i]; break;
      case "-d": r.destination = w[++i]; break;
      case "-o": if (neg) r.notOutInterface = w[++i]; else r.outInterface = w[++i]; break;
      case "--comment": r.comment = w[++i]; break;
      case "-j": r.jump = w[++i]; break;
      case "--to-source": r.toSource = w[++i]; break;
      default: break; // -m comment, and matches we do not manage
    }
  }
  return r;
}
