"use strict";
// Where the platform package put the simulator's binary: the optionalDependencies pattern of
// esbuild and biome. npm installs only the platform package whose `os`, `cpu` and `libc` match.

const PLATFORM_PACKAGES = {
  "linux-x64": "@pesapal-sim/linux-x64",
  "linux-arm64": "@pesapal-sim/linux-arm64",
  "darwin-x64": "@pesapal-sim/darwin-x64",
  "darwin-arm64": "@pesapal-sim/darwin-arm64",
  "win32-x64": "@pesapal-sim/win32-x64",
};

/** Set to a path to run another pesapal-sim binary than the installed one. */
const BINARY_ENV = "PESAPAL_SIM_BINARY";

/** The `pesapal-sim` binary: `$PESAPAL_SIM_BINARY`, else the one of this platform's package. */
function binaryPath() {
  const override = process.env[BINARY_ENV];
  if (override) {
    return override;
  }
  const platform = `${process.platform}-${process.arch}`;
  const name = PLATFORM_PACKAGES[platform];
  if (!name) {
    throw new Error(`pesapal-sim has no binary for ${platform}; set ${BINARY_ENV} to one you built (cargo install pesapal-sim)`);
  }
  const exe = process.platform === "win32" ? "pesapal-sim.exe" : "pesapal-sim";
  try {
    return require.resolve(`${name}/${exe}`);
  } catch {
    throw new Error(
      `pesapal-sim: the package ${name} (this platform's binary) is not installed. ` +
        `It is an optional dependency: install without --omit=optional / --no-optional, or set ${BINARY_ENV}.`,
    );
  }
}

module.exports = { binaryPath, BINARY_ENV, PLATFORM_PACKAGES };
