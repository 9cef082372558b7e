/** Shared fixtures for the unit tests: no SSH, no network, no root. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A private key's text as the schema wants it (never used to log in: unit tests open no connection). */
export const PRIVATE_KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";

/** A connection input before check (defaults not yet filled). */
export const conn = (over: Record<string, unknown> = {}): Record<string, unknown> => ({ host: "192.0.2.10", privateKey: PRIVATE_KEY, ...over });

/** The same connection as check returns it and state stores it: validated, properties equal to their defaults left out, the key's body alone. */
export const storedConn = (over: Record<string, unknown> = {}): Record<string, unknown> => ({ host: "192.0.2.10", privateKey: "b3BlbnNzaC1rZXktdjEAAAAA", ...over });

export interface ShResult {
  stdout: Buffer;
  stderr: string;
  code: number | null;
}

/** Run a script with the local /bin/sh (a POSIX shell, dash on Debian). */
export function sh(script: string, opts: { cwd?: string; shell?: string } = {}): ShResult {
  const r = spawnSync(opts.shell ?? "/bin/sh", ["-c", script], { cwd: opts.cwd, timeout: 20_000 });
  if (r.error) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr.toString("utf8"), code: r.status };
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `pulumi-netns-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The fast-check seed property tests use unless told otherwise: fixed, so every run tries the same cases. */
export const DEFAULT_SEED = 20261124;

/**
 * The seed for a property test: DEFAULT_SEED, or the number in env `name` (to rerun a
 * reported case, or to explore others). Printed, so a failure can always be repeated.
 */
export function propertySeed(name = "PROPERTY_SEED"): number {
  const raw = process.env[name];
  if (raw !== undefined && !/^\d+$/.test(raw)) throw new Error(`${name} must be a whole number, not ${JSON.stringify(raw)}`);
  const seed = raw === undefined ? DEFAULT_SEED : Number(raw) >>> 0;
  console.log(`property seed ${seed}${raw === undefined ? " (default)" : ""}; rerun with ${name}=${seed}`);
  return seed;
}

/** The check half of a provider (structural, so this file does not import the provider core). */
export interface Checker {
  check(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ inputs: Record<string, unknown>; failures: Array<{ property: string; reason: string }> }>;
}
