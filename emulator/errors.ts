/**
 * Typed errors of the emulator. Each kind maps to exactly one wire format, so route handlers throw
 * and a single writer in `http.ts` turns the error into the body Portainer or Docker would send.
 */

/** An error Portainer itself writes: `{"message", "details"}` (`pkg/libhttp/error`). */
export class PortainerHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The wrapped Go error text; upper-cased on the wire from 2.20 on. Empty → key omitted. */
    readonly details: string,
  ) {
    super(message);
    this.name = "PortainerHttpError";
  }
}

/** An error the Docker engine writes through Portainer's proxy: `{"message"}` plus a newline. */
export class DockerApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "DockerApiError";
  }
}

/**
 * Where an emulated `docker stack deploy` failed. `load` errors come from reading the compose file
 * and are printed before the CLI's `--detach` warning would be, so they carry no warning prefix.
 */
export type DeployStage = "load" | "deploy";

/** A failed emulated `docker stack deploy`/`docker stack rm`; `message` is the CLI's error line. */
export class DeployError extends Error {
  constructor(
    message: string,
    readonly stage: DeployStage,
  ) {
    super(message);
    this.name = "DeployError";
  }
}

/** A bad option passed to `startEmulator` or the CLI. */
export class EmulatorConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EmulatorConfigError";
  }
}

/** A control-surface call that cannot be honoured (unknown endpoint, wrong clock kind, …). */
export class EmulatorControlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EmulatorControlError";
  }
}
