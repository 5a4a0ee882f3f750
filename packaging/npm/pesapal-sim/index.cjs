"use strict";
// startSimulator(): runs this platform's pesapal-sim binary on a free loopback port and drives its
// control API (/_sim). Plain CommonJS with no build step; index.mjs re-exports it for ESM.

const { spawn } = require("node:child_process");
const readline = require("node:readline");
const { binaryPath } = require("./lib/binary.cjs");

const STARTUP_KEYS = ["PESAPAL_BASE_URL", "PESAPAL_CONSUMER_KEY", "PESAPAL_CONSUMER_SECRET"];

/**
 * Every operation of the control API's OpenAPI description (`GET /_sim/openapi.json`, committed as
 * spec/pesapal-sim-control.openapi.json), and the simulator's method that calls it.
 */
const OPERATIONS = Object.freeze({
  getSimulator: "info",
  getOpenApi: "openapi",
  listOrders: "orders",
  getOrder: "order",
  payOrder: "pay",
  failOrder: "fail",
  reverseOrder: "reverse",
  approveOrder: "approve",
  declineOrder: "decline",
  setOrderIpnControls: "setIpnControls",
  getClock: "clock",
  advanceClock: "advanceClock",
  listIpnDeliveries: "ipnDeliveries",
  getIpnControls: "ipnControls",
  setIpnControls: "setIpnControls",
  listRefunds: "refunds",
  getFaults: "faults",
  setFaults: "setFaults",
  reset: "reset",
});

/** The control API refused a request: `status` (HTTP), `code` and `message` as it answered. */
class SimulatorControlError extends Error {
  constructor(status, code, message) {
    super(`HTTP ${status} ${code}: ${message}`);
    this.name = "SimulatorControlError";
    this.status = status;
    this.code = code;
    this.detail = message;
  }
}

/** `{ ipnBackoffMs: 10 }` -> `--ipn-backoff-ms 10`; `true` -> the bare flag; `undefined`/`null`/`false` -> nothing. */
function flags(options) {
  const out = [];
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    const flag = `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`).replace(/_/g, "-")}`;
    out.push(...(value === true ? [flag] : [flag, String(value)]));
  }
  return out;
}

/**
 * Starts a simulator. `seed` makes ids reproducible; every other option but `binary` and
 * `timeoutMs` is the binary's command-line flag of that name (`ipnBackoffMs: 10` is
 * `--ipn-backoff-ms 10`; `npx pesapal-sim --help` lists them).
 */
async function startSimulator(options = {}) {
  const { seed, binary, timeoutMs = 10000, ...rest } = options;
  const child = spawn(binary ?? binaryPath(), flags({ host: "127.0.0.1", port: 0, seed, ...rest }), {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = [];
  const remember = (line) => {
    output.push(line);
    if (output.length > 200) output.shift();
  };
  readline.createInterface({ input: child.stderr }).on("line", remember);
  const printed = {};
  const killOnExit = () => child.kill();
  process.once("exit", killOnExit);

  await new Promise((resolve, reject) => {
    const fail = (why) => {
      clearTimeout(timer);
      child.kill();
      process.removeListener("exit", killOnExit);
      reject(new Error(`pesapal-sim ${why}:\n${output.join("\n")}`));
    };
    const timer = setTimeout(() => fail(`did not start within ${timeoutMs} ms`), timeoutMs);
    child.once("error", (error) => fail(`cannot start (${error.message})`));
    child.once("exit", (code, signal) => fail(`exited (${code ?? signal}) before listening`));
    readline.createInterface({ input: child.stdout }).on("line", (line) => {
      remember(line);
      const at = line.indexOf("=");
      const key = line.slice(0, at);
      if (at > 0 && STARTUP_KEYS.includes(key)) {
        printed[key] = line.slice(at + 1).trim();
        if (STARTUP_KEYS.every((k) => k in printed)) {
          clearTimeout(timer);
          child.removeAllListeners("exit");
          child.removeAllListeners("error");
          resolve();
        }
      }
    });
  });

  const baseUrl = printed.PESAPAL_BASE_URL;
  const exited = new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });

  async function control(method, path, body) {
    const answer = await fetch(`${baseUrl}/_sim${path}`, {
      method,
      headers: { "content-type": "application/json", accept: "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await answer.text();
    if (!answer.ok) {
      let problem = {};
      try {
        problem = JSON.parse(text);
      } catch {
        problem = { message: text };
      }
      throw new SimulatorControlError(answer.status, String(problem.error ?? ""), String(problem.message ?? text));
    }
    return text ? JSON.parse(text) : null;
  }

  const ipnDeliveries = () => control("GET", "/ipn/deliveries");
  const defined = (object) => Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined));

  return {
    baseUrl,
    consumerKey: printed.PESAPAL_CONSUMER_KEY,
    consumerSecret: printed.PESAPAL_CONSUMER_SECRET,
    process: child,
    output: () => output.join("\n"),
    control,
    info: () => control("GET", ""),
    openapi: () => control("GET", "/openapi.json"),
    orders: () => control("GET", "/orders"),
    order: (id) => control("GET", `/orders/${id}`),
    pay: (id, { card, phone, method } = {}) => control("POST", `/orders/${id}/pay`, defined({ card, phone, method })),
    fail: (id, { method } = {}) => control("POST", `/orders/${id}/fail`, defined({ method })),
    reverse: (id) => control("POST", `/orders/${id}/reverse`),
    approve: (id) => control("POST", `/orders/${id}/approve`),
    decline: (id) => control("POST", `/orders/${id}/decline`),
    clock: () => control("GET", "/clock"),
    advanceClock: (seconds) => control("POST", "/clock/advance", { seconds }),
    ipnDeliveries,
    async waitForIpnDeliveries(count = 1, { orderTrackingId, timeoutMs: wait = 10000 } = {}) {
      const deadline = Date.now() + wait;
      for (;;) {
        const finished = (await ipnDeliveries()).filter(
          (d) => d.finished && (orderTrackingId === undefined || d.order_tracking_id === orderTrackingId),
        );
        if (finished.length >= count) return finished;
        if (Date.now() > deadline) throw new Error(`${finished.length} of ${count} IPN deliveries finished in ${wait} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    ipnControls: () => control("GET", "/ipn/controls"),
    setIpnControls: (controls = {}, orderTrackingId) =>
      control("PUT", orderTrackingId === undefined ? "/ipn/controls" : `/orders/${orderTrackingId}/ipn`, controls),
    faults: () => control("GET", "/faults"),
    setFaults: (faults = {}) => control("PUT", "/faults", faults),
    refunds: () => control("GET", "/refunds"),
    reset: async () => {
      await control("POST", "/reset");
    },
    async stop() {
      process.removeListener("exit", killOnExit);
      child.kill();
      await exited;
    },
  };
}

module.exports = { startSimulator, SimulatorControlError, binaryPath, OPERATIONS };
