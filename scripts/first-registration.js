#!/usr/bin/env node
// Time from process start to the first resource registration of a one-resource program, in a
// project where pulumi-netns is installed (any version), with Pulumi's mocks instead of an engine.
// It includes loading the SDK and building the resource's __provider (closure serialization in
// 0.1.0, a constant text since 0.2.0). Usage: node scripts/first-registration.js PROJECT_DIR
const { performance } = require("node:perf_hooks");
const { createRequire } = require("node:module");
const path = require("node:path");
const dir = path.resolve(process.argv[2] || ".");
process.chdir(dir);
const load = createRequire(path.join(dir, "noop.js"));
const pulumi = load("@pulumi/pulumi");
pulumi.runtime.setMocks({
  newResource(args) {
    process.stdout.write(`${Math.round(performance.now())} ms to the first registration (${args.type}, pulumi-netns ${load("pulumi-netns/package.json").version})\n`);
    process.exit(0);
  },
  call: () => ({}),
}, "project", "stack", false);
const { Bridge } = load("pulumi-netns");
new Bridge("br0", { connection: { host: "192.0.2.1", privateKey: "unused" }, name: "br0" });
