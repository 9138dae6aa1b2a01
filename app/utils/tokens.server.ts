/** API tokens for the Remix routes: list (own; all for an ADMIN), create, revoke. */
import type { AppLoadContext } from "@remix-run/node";
import type { Operation } from "../../graphql/yoga";
import { failureFields, run, type Failure } from "./graphql.server";
import type { Role } from "./roles";

export interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  tenantIds: string[] | null;
  owner: { id: string; email: string };
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  active: boolean;
}

const TOKEN_ROW = "id name prefix role tenantIds owner { id email } createdAt expiresAt revokedAt lastUsedAt lastUsedIp active";

export const TOKENS_PAGE_SIZE = 50;

const ListTokens: Operation<
  { apiTokens: { edges: { node: TokenRow }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } },
  { first: number; after: string | null; includeRevoked: boolean }
> = {
  source: /* GraphQL */ `query UiApiTokens($first: Int!, $after: String, $includeRevoked: Boolean) {
    apiTokens(first: $first, after: $after, includeRevoked: $includeRevoked) {
      edges { node { ${TOKEN_ROW} } }
      pageInfo { hasNextPage endCursor }
    }
  }`,
};

export async function listTokens(context: AppLoadContext, filter: { after: string | null; includeRevoked: boolean }) {
  return (await run(context, ListTokens, { first: TOKENS_PAGE_SIZE, ...filter })).apiTokens;
}

export interface CreatedToken {
  __typename: "MutationCreateApiTokenSuccess";
  data: { token: string; apiToken: TokenRow };
}

export interface NewToken {
  name: string;
  expiresAt: string | null;
  role: Role | null;
  tenantIds: string[] | null;
}

const CreateToken: Operation<{ createApiToken: Failure | CreatedToken }, { name: string; expiresAt: string | null; role: Role | null; tenantIds: string[] | null }> = {
  source: /* GraphQL */ `mutation UiCreateApiToken($name: String!, $expiresAt: DateTime, $role: Role, $tenantIds: [ID!]) {
    createApiToken(name: $name, expiresAt: $expiresAt, role: $role, tenantIds: $tenantIds) {
      __typename
      ... on MutationCreateApiTokenSuccess { data { token apiToken { ${TOKEN_ROW} } } }
      ${failureFields("ValidationError", "TooManyAttemptsError")}
    }
  }`,
};

export async function createToken(context: AppLoadContext, input: NewToken) {
  return (await run(context, CreateToken, { ...input })).createApiToken;
}

const RevokeToken: Operation<{ revokeApiToken: Failure | { __typename: "MutationRevokeApiTokenSuccess"; data: { id: string } } }, { id: string }> = {
  source: /* GraphQL */ `mutation UiRevokeApiToken($id: ID!) {
    revokeApiToken(id: $id) {
      __typename
      ... on MutationRevokeApiTokenSuccess { data { id } }
      ${failureFields()}
    }
  }`,
};

export async function revokeToken(context: AppLoadContext, id: string) {
  return (await run(context, RevokeToken, { id })).revokeApiToken;
}
