/**
 * What Portainer must offer before a tenant can be deployed, as plain checks shared by the
 * provision job's PREFLIGHT phase (which fails or waits on a problem) and the `portainerStatus`
 * query (which reports every check to an operator). Each problem has a `message` (what is
 * wrong) and a `hint` (what to do); neither ever contains the API token.
 */
import type { Config } from "../config/env";
import type { PortainerClient } from "../portainer/client";
import type { DockerNetwork, PortainerEndpoint, PortainerSystemStatus } from "../portainer/domain";
import { isPortainerError } from "../portainer/errors";
import { MIN_PORTAINER_VERSION } from "../portainer/version";

export interface CheckProblem {
  message: string;
  hint: string;
}

const MIN_MINOR = MIN_PORTAINER_VERSION.replace(/\.0$/, "");

/** A Portainer older than the panel supports. */
export function versionProblem(status: PortainerSystemStatus): CheckProblem | null {
  if (status.supported) return null;
  return {
    message: `Portainer ${status.version} is older than ${MIN_MINOR}: tenant stacks use Swarm jobs, which need the docker CLI 23+ that Portainer bundles from ${MIN_MINOR} on.`,
    hint: `Upgrade Portainer to ${MIN_MINOR} or newer.`,
  };
}

/** An environment Portainer reports as down (its last snapshot could not reach the engine). */
export function endpointDownProblem(endpoint: PortainerEndpoint): CheckProblem | null {
  if (endpoint.up) return null;
  return {
    message: `Portainer reports environment ${endpoint.id} (${endpoint.name}) as down`,
    hint: "Check the environment in Portainer: its Docker engine or agent must be running and reachable from Portainer.",
  };
}

const ENDPOINT_HINT = "Set PORTAINER_ENDPOINT_ID to the id of the Portainer environment connected to a Swarm manager (Portainer → Environments).";

/** An environment whose engine is not a Swarm manager (per Portainer's snapshot). */
export function notSwarmManagerProblem(endpoint: Pick<PortainerEndpoint, "id" | "name">): CheckProblem {
  return { message: `Portainer environment ${endpoint.id} (${endpoint.name}) is not a Swarm manager`, hint: ENDPOINT_HINT };
}

/** A missing or unusable Traefik network; `trustedProxiesSet` when TRAEFIK_TRUSTED_PROXIES is configured. */
export function traefikNetworkProblem(name: string, network: DockerNetwork | null, trustedProxiesSet: boolean): CheckProblem | null {
  const create = `docker network create --driver overlay --attachable ${name}`;
  if (!network) {
    return {
      message: `The Traefik network "${name}" does not exist on the Swarm.`,
      hint: `Create it with \`${create}\` on a manager node, or set TRAEFIK_NETWORK_NAME to the network Traefik uses.`,
    };
  }
  if (!network.swarmOverlay) {
    return {
      message: `The Traefik network "${name}" is not an overlay network of swarm scope (driver ${network.driver}, scope ${network.scope}); tenant stacks cannot join it.`,
      hint: `Create an attachable overlay network (\`${create}\` with another name if this one is taken), attach Traefik to it, and set TRAEFIK_NETWORK_NAME.`,
    };
  }
  if (!trustedProxiesSet && network.subnets.length === 0) {
    return {
      message: `The Traefik network "${name}" reports no subnet.`,
      hint: "Set TRAEFIK_TRUSTED_PROXIES to the addresses Traefik connects from.",
    };
  }
  return null;
}

/** For a job: the problem as one sentence that ends with what to do. */
export function preflightMessage(problem: CheckProblem, then = " Then retry."): string {
  const message = /[.!?]$/.test(problem.message) ? problem.message : `${problem.message}.`;
  return `${message} ${problem.hint}${then}`;
}

export const PORTAINER_CHECK_NAMES = ["URL", "TOKEN", "VERSION", "ENDPOINT", "SWARM", "TRAEFIK_NETWORK"] as const;
export type PortainerCheckName = (typeof PORTAINER_CHECK_NAMES)[number];

export interface PortainerCheck {
  name: PortainerCheckName;
  ok: boolean;
  message: string;
  /** What to do about a failed check; null when it passed or was not run. */
  hint: string | null;
}

export interface PortainerStatusReport {
  checkedAt: Date;
  /** Portainer answered at all (its public status route). */
  reachable: boolean;
  version: string | null;
  endpointId: number;
  swarmId: string | null;
  traefikNetwork: string;
  checks: PortainerCheck[];
  ok: boolean;
}

const CHECK_URL = "Check PORTAINER_URL (Portainer's base URL, without /api) and that Portainer is running and reachable from the panel.";
const CHECK_TOKEN =
  "Create an access token for a Portainer admin user (My account → Access tokens) and set it in PORTAINER_API_TOKEN (or PORTAINER_API_TOKEN_FILE).";

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs every check an operator needs, in order; a check whose prerequisite failed is reported
 * as not run. Never throws for a Portainer failure (each becomes a failed check).
 */
export async function checkPortainer(
  portainer: PortainerClient,
  config: Pick<Config, "traefik">,
  now: () => Date = () => new Date(),
): Promise<PortainerStatusReport> {
  const networkName = config.traefik.networkName;
  const checks = new Map<PortainerCheckName, PortainerCheck>();
  const pass = (name: PortainerCheckName, message: string) => checks.set(name, { name, ok: true, message, hint: null });
  const fail = (name: PortainerCheckName, message: string, hint: string | null) => checks.set(name, { name, ok: false, message, hint });
  const skip = (name: PortainerCheckName, because: string) => checks.set(name, { name, ok: false, message: `Not checked: ${because}.`, hint: null });
  const report: PortainerStatusReport = {
    checkedAt: now(),
    reachable: false,
    version: null,
    endpointId: portainer.endpointId,
    swarmId: null,
    traefikNetwork: networkName,
    checks: [],
    ok: false,
  };
  const finish = (): PortainerStatusReport => {
    report.checks = PORTAINER_CHECK_NAMES.map((name) => checks.get(name) ?? { name, ok: false, message: "Not checked.", hint: null });
    report.ok = report.checks.every((c) => c.ok);
    return report;
  };

  // URL and VERSION: the public status route answers without the token.
  let status: PortainerSystemStatus;
  try {
    status = await portainer.getSystemStatus();
  } catch (error) {
    fail("URL", `Portainer did not answer: ${errorMessage(error)}`, CHECK_URL);
    for (const name of PORTAINER_CHECK_NAMES.slice(1)) skip(name, "Portainer is not reachable");
    return finish();
  }
  report.reachable = true;
  report.version = status.version;
  pass("URL", `Portainer answers (version ${status.version}).`);
  const old = versionProblem(status);
  if (old) fail("VERSION", old.message, old.hint);
  else pass("VERSION", `Portainer ${status.version} is supported (${status.family === "async" ? "asynchronous" : "synchronous"} deploys).`);

  // TOKEN and ENDPOINT: the first authenticated call.
  let endpoint: PortainerEndpoint;
  try {
    endpoint = await portainer.getEndpoint();
  } catch (error) {
    const id = portainer.endpointId;
    if (isPortainerError(error, "UNAUTHORIZED")) {
      fail("TOKEN", "Portainer answered 401: the API token in PORTAINER_API_TOKEN is wrong, expired or revoked.", CHECK_TOKEN);
      skip("ENDPOINT", "the API token was refused");
    } else if (isPortainerError(error, "FORBIDDEN")) {
      fail("TOKEN", `Portainer answered 403: the token's user may not access environment ${id}.`, `Use an access token of a Portainer admin user. ${CHECK_TOKEN}`);
      skip("ENDPOINT", "the API token was refused");
    } else if (isPortainerError(error, "NOT_FOUND") && error.reason === "ENDPOINT_NOT_FOUND") {
      pass("TOKEN", "Portainer accepts the API token.");
      fail("ENDPOINT", `Environment ${id} does not exist in Portainer.`, ENDPOINT_HINT);
    } else {
      skip("TOKEN", `reading environment ${id} failed`);
      fail("ENDPOINT", `Reading environment ${id} failed: ${errorMessage(error)}`, CHECK_URL);
    }
    skip("SWARM", `environment ${id} could not be read`);
    skip("TRAEFIK_NETWORK", `environment ${id} could not be read`);
    return finish();
  }
  pass("TOKEN", "Portainer accepts the API token.");
  const down = endpointDownProblem(endpoint);
  if (down) fail("ENDPOINT", `${down.message}.`, down.hint);
  else pass("ENDPOINT", `Environment ${endpoint.id} (${endpoint.name}) is up.`);

  // SWARM: the snapshot says whether it is a manager; SwarmInspect proves it now.
  let swarmOk = false;
  if (endpoint.swarmManager === false) {
    const problem = notSwarmManagerProblem(endpoint);
    fail("SWARM", `${problem.message}.`, problem.hint);
  } else {
    try {
      const swarm = await portainer.getSwarm();
      report.swarmId = swarm.id;
      swarmOk = true;
      pass("SWARM", `Environment ${endpoint.id} is a manager of Swarm ${swarm.id}${endpoint.nodeCount ? ` (${endpoint.nodeCount} nodes)` : ""}.`);
    } catch (error) {
      if (isPortainerError(error, "UNAVAILABLE") && error.reason === "NOT_SWARM_MANAGER") {
        const problem = notSwarmManagerProblem(endpoint);
        fail("SWARM", `${problem.message}.`, problem.hint);
      } else {
        fail("SWARM", `Reading the Swarm of environment ${endpoint.id} failed: ${errorMessage(error)}`, down?.hint ?? ENDPOINT_HINT);
      }
    }
  }

  // TRAEFIK_NETWORK: only meaningful on a Swarm manager.
  if (!swarmOk) {
    skip("TRAEFIK_NETWORK", "the environment is not a usable Swarm manager");
    return finish();
  }
  try {
    const network = await portainer.getNetwork(networkName);
    const problem = traefikNetworkProblem(networkName, network, config.traefik.trustedProxies !== null);
    if (problem) fail("TRAEFIK_NETWORK", problem.message, problem.hint);
    else pass("TRAEFIK_NETWORK", `The overlay network ${networkName} exists${network?.subnets.length ? ` (${network.subnets.join(", ")})` : ""}.`);
  } catch (error) {
    fail("TRAEFIK_NETWORK", `Reading the network "${networkName}" failed: ${errorMessage(error)}`, CHECK_URL);
  }
  return finish();
}
