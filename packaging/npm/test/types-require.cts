// Type-checked by `tsc --strict`: the declarations from CommonJS (`require`).
import pesapalSim = require("pesapal-sim");

export async function baseUrl(): Promise<string> {
  const sim: pesapalSim.Simulator = await pesapalSim.startSimulator({ environment: "live" });
  await sim.stop();
  return sim.baseUrl;
}
