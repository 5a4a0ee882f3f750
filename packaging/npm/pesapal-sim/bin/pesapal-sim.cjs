#!/usr/bin/env node
"use strict";
// `npx pesapal-sim …`: runs this platform's binary with the same arguments and exit code.
const { spawnSync } = require("node:child_process");
const { binaryPath } = require("../lib/binary.cjs");

let binary;
try {
  binary = binaryPath();
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
const result = spawnSync(binary, process.argv.slice(2), { stdio: "inherit" });
if (result.error) {
  console.error(`pesapal-sim: cannot run ${binary}: ${result.error.message}`);
  process.exit(1);
}
if (result.signal) {
  process.kill(process.pid, result.signal);
}
process.exit(result.status ?? 1);
