/**
 * Portainer emulator: a real HTTP server with an in-memory Docker Swarm that behaves like
 * Portainer (CE 2.20+ and the newer asynchronous releases) where the panel depends on it.
 * See README.md beside this file for what is modelled and what is not.
 *
 * @example
 * const emu = await startEmulator({ apiKey: "ptr_test", clock: "manual" });
 * await fetch(`${emu.url}/api/system/status`);
 * emu.control.advance(5_000); // play out task transitions
 * await emu.close();
 */
import { createControl, type EmulatorControl } from "./control";
import { checkDockerCli } from "./docker-cli";
import { resolveOptions, type EmulatorOptions } from "./options";
import { Emulator } from "./runtime";
import { listen } from "./server";
import type { EmulatorState } from "./state";

export type { EmulatorControl, FaultInfo, LogLineInput } from "./control";
export type { EmulatorClock } from "./clock";
export { ManualClock, RealClock } from "./clock";
export { DeployError, DockerApiError, EmulatorConfigError, EmulatorControlError, PortainerHttpError } from "./errors";
export type { FaultKind, FaultSpec } from "./faults";
export { FAULT_KINDS } from "./faults";
export type { EmulatorOptions, EndpointSeed } from "./options";
export type { EmulatorState, StackRecord } from "./state";
export { StackStatus } from "./state";
export type { NetworkSeed, NodeSeed } from "./swarm";
export type { TaskLogHook } from "./tasks";
export { EMULATOR_MARKER } from "./routes/system";
export { CONTROL_PREFIX } from "./routes/control";
export { DEFAULT_PORTAINER_VERSION } from "./version";

/** A running emulator. */
export interface RunningEmulator {
  /** Base URL, e.g. `http://127.0.0.1:41234` (Portainer's API is under `/api`). */
  url: string;
  /** The live in-memory state (Portainer database, swarms, faults, counters); read it, don't write it. */
  state: EmulatorState;
  /** Test controls: clock, faults, request counts, logs, nodes, … */
  control: EmulatorControl;
  /** Stops the server, closes open connections and cancels every timer. */
  close(): Promise<void>;
}

/**
 * Starts the emulator. `port: 0` (the default) picks a free port.
 * Throws `EmulatorConfigError` for invalid options (or an unusable docker CLI when
 * `validateWithDockerCli` is set).
 */
export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const resolved = resolveOptions(options);
  if (resolved.dockerCli) await checkDockerCli(resolved.dockerCli);
  const emulator = new Emulator(resolved, resolved.clock);
  const control = createControl(emulator);
  const running = await listen(emulator, control, resolved.port, resolved.host);
  const address = running.server.address();
  const port = typeof address === "object" && address ? address.port : resolved.port;
  const host = resolved.host.includes(":") ? `[${resolved.host}]` : resolved.host;
  return {
    url: `http://${host}:${port}`,
    state: emulator.state,
    control,
    close: running.close,
  };
}
