import { type Argv, shellJoin } from "./quote";

/**
 * Several commands in one script, so a read costs one round trip. Each command's
 * stdout and exit status come back separately; a failing command does not stop the others.
 */
const MARK = "@@pulumi-netns@@";

export interface Section {
  stdout: string;
  code: number;
}

export function batchScript(cmds: readonly Argv[]): string {
  return cmds
    .map((argv, i) => `${shellJoin(argv)} 2>/dev/null; printf '\\n${MARK} %s %s\\n' ${i} "$?"`)
    .join("\n");
}

export function parseBatch(stdout: string, count: number): Section[] {
  const sections: Section[] = [];
  let rest = stdout;
  for (let i = 0; i < count; i++) {
    const re = new RegExp(`\\n${MARK} ${i} (\\d+)\\n`);
    const m = re.exec(rest);
    if (!m) throw new Error(`batch output ended before command ${i + 1} of ${count} reported`);
    sections.push({ stdout: rest.slice(0, m.index), code: Number(m[1]) });
    rest = rest.slice(m.index + m[0].length);
  }
  return sections;
}
