// The ESM entry point: the same module as index.cjs (no build step).
import pesapalSim from "./index.cjs";

export const { startSimulator, SimulatorControlError, binaryPath, OPERATIONS } = pesapalSim;
