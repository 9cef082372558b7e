import test from "ava";
import { existsSync } from "node:fs";
import { shellJoin, shellQuote } from "../../provider/ssh/quote";
import fc from "fast-check";
import { propertySeed, sh } from "./support";

/** Strings that would be shell syntax if they reached a shell unquoted. */
const HOSTILE = [
  "",
  " ",
  "a b",
  "x; rm -rf /",
  "$(id)",
  "`id`",
  "${HOME}",
  "$HOME",
  "a|b",
  "a&b",
  "a && b",
  "a>b",
  "<in",
  "'",
  "\"",
  "it's",
  "say \"hi\"",
  "'\"'\"'",
  "\\",
  "a\\'b",
  "line1\nline2",
  "\n",
  "tab\there",
  "cr\rlf",
  "-n",
  "--help",
  "-e\\n",
  "*",
  "?",
  "[ab]",
  "{a,b}",
  "~",
  "~root",
  "a=b",
  "!",
  "#not-a-comment",
  "%s%n",
  "ünïcödé ✓ 🐧 \u202e",
  "\u0001\u001b[31m\u007f",
  "eth0",
  "10.0.0.1/24",
];

/** What `printf '%s\0' ARGS` prints when ARGS came from shellJoin(args): the args, NUL-terminated. */
function echoBack(args: string[], shell?: string): Buffer {
  const r = sh(`printf '%s\\0' ${shellJoin(args)}`, { shell });
  if (r.code !== 0) throw new Error(`sh exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

const expected = (args: string[]) => Buffer.from(args.map((a) => a + "\0").join(""), "utf8");

test("shellQuote leaves plain words (names, addresses) unquoted", (t) => {
  for (const w of ["eth0", "veth-a.1", "10.0.0.1/24", "fd00::1/64", "net.ipv4.ip_forward=1", "user@host:22", "a,b+c%"]) {
    t.is(shellQuote(w), w);
  }
});

test("shellQuote wraps anything else in single quotes and escapes embedded single quotes", (t) => {
  t.is(shellQuote(""), "''");
  t.is(shellQuote("a b"), "'a b'");
  t.is(shellQuote("$(id)"), "'$(id)'");
  t.is(shellQuote("it's"), "'it'\\''s'");
  t.is(shellQuote("-n"), "-n"); // a leading dash is not shell syntax; option safety is the validators' job
});

test("shellQuote and shellJoin refuse NUL", (t) => {
  t.throws(() => shellQuote("a\0b"), { message: /NUL/ });
  t.throws(() => shellJoin(["printf", "\0"]), { message: /NUL/ });
});

test("shellJoin refuses an empty argv and joins words with single spaces", (t) => {
  t.throws(() => shellJoin([]), { message: /empty command/ });
  t.is(shellJoin(["ip", "link", "set", "dev", "a b", "up"]), "ip link set dev 'a b' up");
});

test("each hostile string reaches /bin/sh as exactly one verbatim argument", (t) => {
  for (const s of HOSTILE) {
    t.deepEqual(echoBack([s]), expected([s]), JSON.stringify(s));
  }
});

test("all hostile strings in one command line stay separate arguments", (t) => {
  t.deepEqual(echoBack(HOSTILE), expected(HOSTILE));
});

test("hostile strings survive bash as well", (t) => {
  if (!existsSync("/bin/bash")) t.pass("no bash here");
  else t.deepEqual(echoBack(HOSTILE, "/bin/bash"), expected(HOSTILE));
});

/** Strings of code points: mostly shell metacharacters and ASCII, some of all Unicode (no NUL, no lone surrogates). */
const META = " \t\n\r'\"\\$`;|&<>(){}[]*?~!#=%-";
const codePoint = fc.oneof(
  { weight: 35, arbitrary: fc.constantFrom(...META) },
  { weight: 25, arbitrary: fc.integer({ min: 1, max: 0x7f }).map((c) => String.fromCodePoint(c)) },
  { weight: 20, arbitrary: fc.integer({ min: 0x80, max: 0x7ff }).map((c) => String.fromCodePoint(c)) },
  { weight: 20, arbitrary: fc.integer({ min: 1, max: 0x10ffff }).map((c) => String.fromCodePoint(c >= 0xd800 && c <= 0xdfff ? 0xfffd : c)) },
);
const shellString = fc.array(codePoint, { maxLength: 24 }).map((a) => a.join(""));

test("property: 400 random strings each come back from /bin/sh verbatim", (t) => {
  const seed = propertySeed();
  t.log(`seed ${seed}`);
  fc.assert(fc.property(shellString, (s) => echoBack([s]).equals(expected([s]))), { seed, numRuns: 400 });
  t.pass();
});
