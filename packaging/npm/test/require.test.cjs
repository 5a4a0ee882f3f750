// The CommonJS entry point and the `pesapal-sim` command (npx), as installed from the tarballs.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { execFileSync } = require("node:child_process");
const { startSimulator, binaryPath, OPERATIONS } = require("pesapal-sim");

test("require('pesapal-sim') starts a simulator from the platform package's binary", async () => {
  assert.match(binaryPath(), /node_modules\/@pesapal-sim\/[a-z0-9-]+\/pesapal-sim$/);
  const sim = await startSimulator({ ipnBackoffMs: 10 });
  try {
    const info = await sim.info();
    assert.equal(info.base_url, sim.baseUrl);
    assert.equal(info.consumer_key, sim.consumerKey);
    // The helpers follow the control API's OpenAPI description: one per operation.
    const description = await sim.openapi();
    assert.equal(description.servers[0].url, sim.baseUrl);
    const described = Object.values(description.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    assert.deepEqual([...described].sort(), Object.keys(OPERATIONS).sort());
    for (const method of Object.values(OPERATIONS)) {
      assert.equal(typeof sim[method], "function", method);
    }
  } finally {
    await sim.stop();
  }
});

test("npx pesapal-sim runs the binary", () => {
  const version = execFileSync("npx", ["--no-install", "pesapal-sim", "--version"], { encoding: "utf8" });
  assert.match(version, /^pesapal-sim \d+\.\d+\.\d+/);
});
