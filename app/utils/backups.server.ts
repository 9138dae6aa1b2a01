/** Backups for the Remix routes, as GraphQL documents run in-process (like tenants.server.ts). */
import type { AppLoadContext } from "@remix-run/node";
import type { Operation } from "../../graphql/yoga";
import { formatBytes } from "../../server/format";
import { failureFields, run, type Failure } from "./graphql.server";

export interface BackupRow {
  id: string;
  name: string;
  trigger: "MANUAL" | "SCHEDULE" | "PRE_UPGRADE" | "PRE_DELETE";
  status: "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "EXPIRED";
  sizeBytes: number | null;
  sha256: string | null;
  location: string | null;
  error: string | null;
  mauticImage: string;
  createdAt: string;
  finishedAt: string | null;
  expiresAt: string | null;
}

/** Backups shown on a tenant's page (the newest). */
export const BACKUPS_SHOWN = 20;

type PlanPolicy = { name: string; backupEveryHours: number; backupsKept: number };

const ListBackups: Operation<
  { backups: { edges: { node: BackupRow }[]; pageInfo: { hasNextPage: boolean } }; plans: PlanPolicy[] },
  { tenantId: string; first: number }
> = {
  source: /* GraphQL */ `query UiBackups($tenantId: ID!, $first: Int!) {
    backups(tenantId: $tenantId, first: $first) {
      edges { node { id name trigger status sizeBytes sha256 location error mauticImage createdAt finishedAt expiresAt } }
      pageInfo { hasNextPage }
    }
    plans { name backupEveryHours backupsKept }
  }`,
};

/** A tenant's newest backups, and its plan's schedule in words. */
export async function listBackups(context: AppLoadContext, tenantId: string, plan: string) {
  const { backups, plans } = await run(context, ListBackups, { tenantId, first: BACKUPS_SHOWN });
  return {
    backups: backups.edges.map(({ node }) => ({ ...node, sizeText: node.sizeBytes === null ? null : formatBytes(node.sizeBytes) })),
    more: backups.pageInfo.hasNextPage,
    schedule: scheduleText(plans.find((p) => p.name === plan)),
  };
}

function scheduleText(policy: PlanPolicy | undefined): string {
  if (!policy) return "";
  if (policy.backupEveryHours === 0) return "This plan has no scheduled backups.";
  const every = policy.backupEveryHours === 24 ? "every day" : policy.backupEveryHours % 24 === 0 ? `every ${policy.backupEveryHours / 24} days` : `every ${policy.backupEveryHours} hours`;
  return `This plan backs up ${every} and keeps the ${policy.backupsKept} newest scheduled backups.`;
}

const CreateBackup: Operation<{ result: Failure | { __typename: "MutationCreateBackupSuccess"; data: { id: string } } }, { tenantId: string }> = {
  source: /* GraphQL */ `mutation UiCreateBackup($tenantId: ID!) {
    result: createBackup(tenantId: $tenantId) {
      __typename
      ... on MutationCreateBackupSuccess { data { id } }
      ${failureFields("ConflictError")}
    }
  }`,
};

export async function createBackup(context: AppLoadContext, tenantId: string) {
  return (await run(context, CreateBackup, { tenantId })).result;
}

const RestoreBackup: Operation<{ result: Failure | { __typename: "MutationRestoreBackupSuccess"; data: { id: string } } }, { backupId: string }> = {
  source: /* GraphQL */ `mutation UiRestoreBackup($backupId: ID!) {
    result: restoreBackup(backupId: $backupId) {
      __typename
      ... on MutationRestoreBackupSuccess { data { id } }
      ${failureFields("ConflictError")}
    }
  }`,
};

/** Restores a backup over its own tenant (an ADMIN, or the owner when allowed). */
export async function restoreBackup(context: AppLoadContext, backupId: string) {
  return (await run(context, RestoreBackup, { backupId })).result;
}

const CloneTenant: Operation<
  { result: Failure | { __typename: "MutationCloneTenantFromBackupSuccess"; data: { id: string } } },
  { backupId: string; input: { name: string; domain: string } }
> = {
  source: /* GraphQL */ `mutation UiCloneTenant($backupId: ID!, $input: CloneTenantInput!) {
    result: cloneTenantFromBackup(backupId: $backupId, input: $input) {
      __typename
      ... on MutationCloneTenantFromBackupSuccess { data { id } }
      ${failureFields("ValidationError", "ConflictError")}
    }
  }`,
};

/** A new tenant with a backup's data (ADMIN). */
export async function cloneTenant(context: AppLoadContext, backupId: string, input: { name: string; domain: string }) {
  return (await run(context, CloneTenant, { backupId, input })).result;
}
