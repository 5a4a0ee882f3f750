// Type-checked by `tsc --strict` (cargo xtask test --only npm): the package's declarations as a
// TypeScript user meets them, from ESM.
import { startSimulator, SimulatorControlError, type Simulator } from "pesapal-sim";

export async function checkout(orderTrackingId: string): Promise<string> {
  const sim: Simulator = await startSimulator({ seed: 1, ipnBackoffMs: 10 });
  try {
    const order = await sim.pay(orderTrackingId, { card: "4000000000000002" });
    const { now } = await sim.advanceClock(60);
    await sim.setFaults({ fail_next: 1 });
    await sim.setIpnControls({ drop: true }, orderTrackingId);
    const deliveries = await sim.waitForIpnDeliveries(1, { orderTrackingId, timeoutMs: 100 });
    return `${sim.baseUrl} ${sim.consumerKey} ${now} ${String(order)} ${deliveries.length}`;
  } catch (error) {
    if (error instanceof SimulatorControlError) {
      return `${error.status} ${error.code}`;
    }
    throw error;
  } finally {
    await sim.reset();
    await sim.stop();
  }
}
