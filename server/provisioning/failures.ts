/**
 * Which failures are worth retrying. Portainer being unreachable, slow or busy passes; a wrong
 * token, a missing environment, an unsupported version or a failed deploy will not fix itself,
 * so the tenant goes to ERROR at once with the reason (an admin retries after fixing it).
 */
import { isPortainerError } from "../portainer/errors";
import { PermanentJobError } from "./worker";

const PERMANENT = new Set(["BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "DEPLOY_FAILED", "UNSUPPORTED_VERSION"]);

export function classify(error: unknown): unknown {
  // The client knows better than the code alone: a deploy that failed because Portainer could not
  // reach the Docker engine (DEPLOY_FAILED, reason ENDPOINT_UNREACHABLE) is marked retryable.
  if (isPortainerError(error) && PERMANENT.has(error.code) && !error.retryable) {
    return new PermanentJobError(error.message, { portainerCode: error.code }, { cause: error });
  }
  return error;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Runs Portainer work, turning the failures retrying cannot fix into {@link PermanentJobError}s. */
export async function withClassifiedErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw classify(error);
  }
}
