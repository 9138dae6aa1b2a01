/**
 * Tenant operations for the Remix routes, as GraphQL documents run in-process. Failures the
 * user can act on come back as typed results; anything else is thrown to the error boundary.
 */
import { data as dataResponse, type AppLoadContext } from "@remix-run/node";
import type { Operation } from "../../graphql/yoga";
import type { TenantCredentials } from "../../server/tenants/tenant-service";
import type { LiveEvent as TenantEvent } from "../components/use-live-events";
import { failureFields, run, type Failure } from "./graphql.server";

export type { Failure, TenantEvent };

export interface TenantSummary {
  id: string;
  name: string;
  domain: string;
  url: string;
  status: string;
  phase: string | null;
  plan: string;
  createdAt: string;
  updatedAt: string;
  owner: { email: string };
  health: { overall: string } | null;
}


export interface TenantDetail extends TenantSummary {
  slug: string;
  lastError: string | null;
  mauticImage: string;
  clientMayRestore: boolean;
  upgradeImages: string[];
  stackName: string | null;
  node: string | null;
  health: { overall: string; checkedAt: string | null; services: { service: string; running: number; desired: number; state: string; message: string | null }[] } | null;
}

const SUMMARY = "id name domain url status phase plan createdAt updatedAt owner { email } health { overall }";

const ListTenants: Operation<{ tenants: { edges: { node: TenantSummary }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }, { first: number; after: string | null; search: string | null; status: string | null; ownerId: string | null }> = {
  source: /* GraphQL */ `query UiTenants($first: Int!, $after: String, $search: String, $status: TenantStatus, $ownerId: ID) {
    tenants(first: $first, after: $after, search: $search, status: $status, ownerId: $ownerId) { edges { node { ${SUMMARY} } } pageInfo { hasNextPage endCursor } }
  }`,
};

export interface TenantChoice {
  id: string;
  name: string;
  domain: string;
}

const TENANT_CHOICES_MAX = 200;

const TenantChoices: Operation<{ tenants: { edges: { node: TenantChoice }[]; pageInfo: { hasNextPage: boolean } } }, { first: number }> = {
  source: /* GraphQL */ `query UiTenantChoices($first: Int!) {
    tenants(first: $first) { edges { node { id name domain } } pageInfo { hasNextPage } }
  }`,
};

const GetTenant: Operation<{ tenant: Failure | { __typename: "QueryTenantSuccess"; data: TenantDetail }; tenantEvents: Failure | { __typename: "QueryTenantEventsSuccess"; data: TenantEvent[] } }, { id: string }> = {
  source: /* GraphQL */ `query UiTenant($id: ID!) {
    tenant(id: $id) {
      __typename
      ... on QueryTenantSuccess { data { ${SUMMARY} slug lastError mauticImage clientMayRestore upgradeImages stackName node health { overall checkedAt services { service running desired state message } } } }
      ... on Error { message }
    }
    tenantEvents(tenantId: $id, first: 500) {
      __typename
      ... on QueryTenantEventsSuccess { data { id createdAt level type phase message } }
      ... on Error { message }
    }
  }`,
};

const FormOptions: Operation<{ plans: { name: string; label: string; isDefault: boolean }[]; mauticImages: string[] }> = {
  source: /* GraphQL */ `query UiTenantFormOptions { plans { name label isDefault } mauticImages }`,
};

export interface CreatedTenant {
  __typename: "MutationCreateTenantSuccess";
  data: { id: string; name: string; owner: { email: string } };
  ownerSetPasswordUrl: string | null;
  ownerSetPasswordExpiresAt: string | null;
}

const CreateTenant: Operation<{ createTenant: Failure | CreatedTenant }, { input: Record<string, string> }> = {
  source: /* GraphQL */ `mutation UiCreateTenant($input: CreateTenantInput!) {
    createTenant(input: $input) {
      __typename
      ... on MutationCreateTenantSuccess { data { id name owner { email } } ownerSetPasswordUrl ownerSetPasswordExpiresAt }
      ${failureFields("ValidationError", "ConflictError")}
    }
  }`,
};

/** Said on the 404 page: a tenant that does not exist and another client's look the same. */
export const TENANT_NOT_FOUND = "There is no tenant at this address, or it is not yours to see.";

export const TENANT_ACTIONS = ["retry", "suspend", "resume", "redeploy"] as const;
export type TenantAction = (typeof TENANT_ACTIONS)[number];

const actionOperation = (action: TenantAction): Operation<Record<string, Failure | { __typename: string }>, { id: string }> => ({
  source: /* GraphQL */ `mutation UiTenantAction($id: ID!) { result: ${action}Tenant(id: $id) { __typename ... on Error { message } } }`,
});

const DeleteTenant: Operation<{ result: Failure | { __typename: "MutationDeleteTenantSuccess" } }, { id: string; deleteData: boolean; finalBackup: boolean; confirm: string }> = {
  source: /* GraphQL */ `mutation UiDeleteTenant($id: ID!, $deleteData: Boolean!, $finalBackup: Boolean!, $confirm: String!) {
    result: deleteTenant(id: $id, deleteData: $deleteData, finalBackup: $finalBackup, confirm: $confirm) { __typename ... on Error { message } ... on ValidationError { fieldErrors { field message } } }
  }`,
};

export const TENANTS_PAGE_SIZE = 25;

export async function listTenants(
  context: AppLoadContext,
  filter: { after: string | null; search: string | null; status: string | null; ownerId?: string | null; first?: number },
) {
  return (await run(context, ListTenants, { first: TENANTS_PAGE_SIZE, ownerId: null, ...filter })).tenants;
}

/** The caller's tenants (not deleted), newest first, for pickers; `more` when there are more than shown. */
export async function listTenantChoices(context: AppLoadContext): Promise<{ tenants: TenantChoice[]; more: boolean }> {
  const { tenants } = await run(context, TenantChoices, { first: TENANT_CHOICES_MAX });
  return { tenants: tenants.edges.map((e) => e.node), more: tenants.pageInfo.hasNextPage };
}

export async function getTenant(context: AppLoadContext, id: string) {
  const result = await run(context, GetTenant, { id });
  if (result.tenant.__typename !== "QueryTenantSuccess") throw dataResponse(TENANT_NOT_FOUND, { status: 404 });
  const events = result.tenantEvents.__typename === "QueryTenantEventsSuccess" ? (result.tenantEvents as { data: TenantEvent[] }).data : [];
  return { tenant: (result.tenant as { data: TenantDetail }).data, events };
}

export async function tenantFormOptions(context: AppLoadContext) {
  return run(context, FormOptions);
}

export async function createTenant(context: AppLoadContext, input: Record<string, string>) {
  return (await run(context, CreateTenant, { input })).createTenant;
}

export async function tenantAction(context: AppLoadContext, action: TenantAction, id: string) {
  return (await run(context, actionOperation(action), { id })).result!;
}

export async function deleteTenant(context: AppLoadContext, id: string, options: { deleteData: boolean; finalBackup: boolean }, confirm: string) {
  return (await run(context, DeleteTenant, { id, ...options, confirm })).result;
}

/** A tenant's credentials as the API reveals them: the database set and DSN are null unless the caller is an ADMIN. */
export type { TenantCredentials };

const RevealCredentials: Operation<{ result: Failure | { __typename: "MutationRevealTenantCredentialsSuccess"; data: TenantCredentials } }, { id: string }> = {
  source: /* GraphQL */ `mutation UiRevealTenantCredentials($id: ID!) {
    result: revealTenantCredentials(id: $id) {
      __typename
      ... on MutationRevealTenantCredentialsSuccess {
        data { tenantId loginUrl adminUser adminPassword full database databaseUser databasePassword databaseRootPassword mailerDsn }
      }
      ${failureFields("TooManyAttemptsError")}
    }
  }`,
};

/** Decrypts the tenant's credentials for the caller (recorded in its events and the audit log). */
export async function revealCredentials(context: AppLoadContext, id: string) {
  return (await run(context, RevealCredentials, { id })).result;
}

export interface LogLine {
  timestamp: string | null;
  stream: "STDOUT" | "STDERR";
  message: string;
}

const TenantLogs: Operation<{ result: Failure | { __typename: "QueryTenantLogsSuccess"; data: LogLine[] } }, { id: string; service: string; tail: number }> = {
  source: /* GraphQL */ `query UiTenantLogs($id: ID!, $service: TenantStackService!, $tail: Int!) {
    result: tenantLogs(tenantId: $id, service: $service, tail: $tail) {
      __typename
      ... on QueryTenantLogsSuccess { data { timestamp stream message } }
      ${failureFields("ValidationError")}
    }
  }`,
};

/** The last `tail` lines of one service; UnavailableError (typed) when it does not run. */
export async function tenantLogs(context: AppLoadContext, id: string, service: string, tail: number) {
  return (await run(context, TenantLogs, { id, service, tail })).result;
}

/** What the edit form may change; a field left out stays as it is ("" as mailerDsn removes it). */
export interface TenantChanges {
  name?: string;
  plan?: string;
  mailerDsn?: string;
  clientMayRestore?: boolean;
}

const UpdateTenant: Operation<{ result: Failure | { __typename: "MutationUpdateTenantSuccess"; data: { id: string } } }, { id: string; input: TenantChanges }> = {
  source: /* GraphQL */ `mutation UiUpdateTenant($id: ID!, $input: UpdateTenantInput!) {
    result: updateTenant(id: $id, input: $input) {
      __typename
      ... on MutationUpdateTenantSuccess { data { id } }
      ${failureFields("ValidationError", "ConflictError")}
    }
  }`,
};

export async function updateTenant(context: AppLoadContext, id: string, input: TenantChanges) {
  return (await run(context, UpdateTenant, { id, input })).result;
}
