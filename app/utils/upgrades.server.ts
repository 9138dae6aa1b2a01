/** Upgrades for the Remix routes: one tenant, or a fleet in batches (GraphQL run in-process). */
import type { AppLoadContext } from "@remix-run/node";
import type { Operation } from "../../graphql/yoga";
import { failureFields, run, type Failure } from "./graphql.server";

const UpgradeTenant: Operation<{ result: Failure | { __typename: "MutationUpgradeTenantSuccess"; data: { id: string } } }, { id: string; mauticImage: string }> = {
  source: /* GraphQL */ `mutation UiUpgradeTenant($id: ID!, $mauticImage: String!) {
    result: upgradeTenant(id: $id, mauticImage: $mauticImage) {
      __typename
      ... on MutationUpgradeTenantSuccess { data { id } }
      ${failureFields("ValidationError", "ConflictError")}
    }
  }`,
};

export async function upgradeTenant(context: AppLoadContext, id: string, mauticImage: string) {
  return (await run(context, UpgradeTenant, { id, mauticImage })).result;
}

export interface FleetUpgradeView {
  id: string;
  mauticImage: string;
  batchSize: number;
  maxFailureRate: number;
  status: "RUNNING" | "COMPLETED" | "STOPPED";
  statusReason: string | null;
  createdAt: string;
  finishedAt: string | null;
  counts: { total: number; pending: number; running: number; succeeded: number; failed: number; skipped: number };
  items: { id: string; batch: number; status: string; fromImage: string; detail: string | null; tenant: { id: string; name: string; domain: string } }[];
}

/** Fleet upgrades shown on the page (the newest). */
export const FLEET_UPGRADES_SHOWN = 10;

const FleetUpgrades: Operation<
  { fleetUpgrades: { edges: { node: FleetUpgradeView }[] }; mauticImages: string[]; plans: { name: string; label: string }[] },
  { first: number }
> = {
  source: /* GraphQL */ `query UiFleetUpgrades($first: Int!) {
    fleetUpgrades(first: $first) {
      edges { node {
        id mauticImage batchSize maxFailureRate status statusReason createdAt finishedAt
        counts { total pending running succeeded failed skipped }
        items { id batch status fromImage detail tenant { id name domain } }
      } }
    }
    mauticImages
    plans { name label }
  }`,
};

export async function listFleetUpgrades(context: AppLoadContext) {
  const result = await run(context, FleetUpgrades, { first: FLEET_UPGRADES_SHOWN });
  return { upgrades: result.fleetUpgrades.edges.map((e) => e.node), mauticImages: result.mauticImages, plans: result.plans };
}

export type FleetUpgradeRequest = {
  mauticImage: string;
  batchSize: number;
  maxFailureRate: number;
  filter: { plan: string | null; fromImage: string | null };
};

const StartFleetUpgrade: Operation<{ result: Failure | { __typename: "MutationUpgradeTenantsSuccess"; data: { id: string } } }, FleetUpgradeRequest> = {
  source: /* GraphQL */ `mutation UiStartFleetUpgrade($mauticImage: String!, $batchSize: Int!, $maxFailureRate: Float!, $filter: FleetUpgradeFilter!) {
    result: upgradeTenants(mauticImage: $mauticImage, batchSize: $batchSize, maxFailureRate: $maxFailureRate, filter: $filter) {
      __typename
      ... on MutationUpgradeTenantsSuccess { data { id } }
      ${failureFields("ValidationError", "ConflictError")}
    }
  }`,
};

export async function startFleetUpgrade(context: AppLoadContext, request: FleetUpgradeRequest) {
  return (await run(context, StartFleetUpgrade, request)).result;
}

const StopFleetUpgrade: Operation<{ result: Failure | { __typename: "MutationStopFleetUpgradeSuccess"; data: { id: string } } }, { id: string }> = {
  source: /* GraphQL */ `mutation UiStopFleetUpgrade($id: ID!) {
    result: stopFleetUpgrade(id: $id) {
      __typename
      ... on MutationStopFleetUpgradeSuccess { data { id } }
      ${failureFields("ConflictError")}
    }
  }`,
};

export async function stopFleetUpgrade(context: AppLoadContext, id: string) {
  return (await run(context, StopFleetUpgrade, { id })).result;
}
