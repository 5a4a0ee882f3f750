// Startup benchmark (cargo xtask dist --bench): from startSimulator() to the first answered
// request (GET /_sim), with the platform package's release binary. Prints one JSON line of ms.
import { startSimulator } from "pesapal-sim";

const rounds = Number(process.argv[2] ?? 30);
const samples = [];
for (let i = 0; i < rounds; i++) {
  const started = performance.now();
  const sim = await startSimulator();
  await sim.info();
  samples.push(performance.now() - started);
  await sim.stop();
}
samples.sort((a, b) => a - b);
const at = (q) => samples[Math.floor(q * (rounds - 1))];
const median = rounds % 2 ? samples[(rounds - 1) / 2] : (samples[rounds / 2 - 1] + samples[rounds / 2]) / 2;
const round = (ms) => Math.round(ms * 10) / 10;
console.log(
  JSON.stringify({
    runner: `Node.js ${process.versions.node}`,
    rounds,
    median_ms: round(median),
    p90_ms: round(at(0.9)),
    min_ms: round(samples[0]),
    max_ms: round(samples[rounds - 1]),
  }),
);
