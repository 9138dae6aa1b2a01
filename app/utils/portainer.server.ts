/** The connection to Portainer, checked on demand for the status page (ADMIN). */
import type { AppLoadContext } from "@remix-run/node";
import type { Operation } from "../../graphql/yoga";
import { run } from "./graphql.server";

export type PortainerCheckName = "URL" | "TOKEN" | "VERSION" | "ENDPOINT" | "SWARM" | "TRAEFIK_NETWORK";

export interface PortainerCheck {
  name: PortainerCheckName;
  ok: boolean;
  message: string;
  hint: string | null;
}

export interface PortainerStatus {
  ok: boolean;
  reachable: boolean;
  version: string | null;
  endpointId: number;
  swarmId: string | null;
  traefikNetwork: string;
  checkedAt: string;
  checks: PortainerCheck[];
}

const Status: Operation<{ portainerStatus: PortainerStatus }> = {
  source: /* GraphQL */ `query UiPortainerStatus {
    portainerStatus { ok reachable version endpointId swarmId traefikNetwork checkedAt checks { name ok message hint } }
  }`,
};

/** Runs every check now (a few calls to Portainer; each has the client's timeout). */
export async function portainerStatus(context: AppLoadContext): Promise<PortainerStatus> {
  return (await run(context, Status)).portainerStatus;
}
