/**
 * One-time host prerequisites shared by all labs. Idempotent. The `pnetns`
 * user and its sudoers file are deliberately left in place by `down`: other
 * labs may use them, and removing a user is not something a test should do.
 */
import * as fs from "node:fs/promises";
import { runLocal } from "./exec";
import { SUDO_USER } from "./names";

const SUDOERS = "/etc/sudoers.d/pulumi-netns";

export async function ensureHost(): Promise<void> {
  // sshd refuses to start without its privilege-separation directory.
  await fs.mkdir("/run/sshd", { recursive: true, mode: 0o755 });
  await ensureUser();
  await ensureSudoers();
}

async function ensureUser(): Promise<void> {
  if ((await runLocal(["id", "-u", SUDO_USER], { allowFail: true })).code !== 0) {
    // Password "*": no password login, but not "locked" ("!"), which sshd
    // rejects for key logins when UsePAM is off.
    const r = await runLocal(["useradd", "--create-home", "--shell", "/bin/bash", "--password", "*", SUDO_USER], {
      allowFail: true,
    });
    // 9 = already exists (another process won the race); fine.
    if (r.code !== 0 && r.code !== 9) throw new Error(`lab: useradd ${SUDO_USER} failed: ${r.stderr.trim()}`);
  }
  const shadow = await fs.readFile("/etc/shadow", "utf8");
  const entry = shadow.split("\n").find((l) => l.startsWith(`${SUDO_USER}:`));
  if (entry?.split(":")[1]?.startsWith("!")) await runLocal(["usermod", "--password", "*", SUDO_USER]);
}

async function ensureSudoers(): Promise<void> {
  const want = `${SUDO_USER} ALL=(ALL) NOPASSWD: ALL\n`;
  const have = await fs.readFile(SUDOERS, "utf8").catch(() => null);
  if (have !== null) return; // someone's file: leave it alone
  const tmp = `${SUDOERS}.tmp`;
  await fs.writeFile(tmp, want, { mode: 0o440 });
  // Validate before installing: a broken sudoers file breaks sudo for everyone.
  await runLocal(["visudo", "-cf", tmp]);
  await fs.rename(tmp, SUDOERS);
}
