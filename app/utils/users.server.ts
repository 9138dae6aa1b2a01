/**
 * Accounts and passwords for the Remix routes: the users list (ADMIN), one's own account, and
 * set-password links. Every operation goes through GraphQL in-process, so it is authorized by
 * the schema and recorded in the audit log like any API call.
 */
import type { AppLoadContext } from "@remix-run/node";
import type { Operation } from "../../graphql/yoga";
import { failureFields, run, type Failure } from "./graphql.server";

import type { Role } from "./roles";

export type { Role };

export interface UserRow {
  id: string;
  email: string;
  role: Role;
  hasPassword: boolean;
  tenantCount: number;
  createdAt: string;
  passwordChangedAt: string | null;
}

export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

const USER_ROW = "id email role hasPassword tenantCount createdAt passwordChangedAt";

export const USERS_PAGE_SIZE = 25;

type PageArgs = { first: number | null; after: string | null; last: number | null; before: string | null };

const ListUsers: Operation<{ users: { edges: { node: UserRow }[]; pageInfo: PageInfo } }, PageArgs & { search: string | null; role: Role | null }> = {
  source: /* GraphQL */ `query UiUsers($first: Int, $after: String, $last: Int, $before: String, $search: String, $role: Role) {
    users(first: $first, after: $after, last: $last, before: $before, search: $search, role: $role) {
      edges { node { ${USER_ROW} } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }`,
};

/** One page of accounts; `before` pages backwards (the previous page), otherwise forwards. */
export async function listUsers(context: AppLoadContext, filter: { search: string | null; role: Role | null; after: string | null; before: string | null }) {
  const paging: PageArgs = filter.before
    ? { first: null, after: null, last: USERS_PAGE_SIZE, before: filter.before }
    : { first: USERS_PAGE_SIZE, after: filter.after, last: null, before: null };
  return (await run(context, ListUsers, { ...paging, search: filter.search, role: filter.role })).users;
}

const CLIENT_CHOICES_MAX = 200;

const ClientChoices: Operation<{ users: { edges: { node: { id: string; email: string } }[]; pageInfo: { hasNextPage: boolean } } }, { first: number }> = {
  source: /* GraphQL */ `query UiClientChoices($first: Int!) {
    users(first: $first, role: CLIENT) { edges { node { id email } } pageInfo { hasNextPage } }
  }`,
};

/** CLIENT accounts for the tenant owner picker, sorted by e-mail; `more` when some were left out. */
export async function listClientChoices(context: AppLoadContext) {
  const { users } = await run(context, ClientChoices, { first: CLIENT_CHOICES_MAX });
  const clients = users.edges.map((e) => e.node).sort((a, b) => a.email.localeCompare(b.email));
  return { clients, more: users.pageInfo.hasNextPage };
}

export interface CreatedUser {
  __typename: "MutationCreateUserSuccess";
  data: { user: UserRow; setPasswordUrl: string | null; setPasswordExpiresAt: string | null };
}

const CreateUser: Operation<{ createUser: Failure | CreatedUser }, { input: { email: string; role: string; password: string | null } }> = {
  source: /* GraphQL */ `mutation UiCreateUser($input: CreateUserInput!) {
    createUser(input: $input) {
      __typename
      ... on MutationCreateUserSuccess { data { user { ${USER_ROW} } setPasswordUrl setPasswordExpiresAt } }
      ${failureFields("ValidationError", "ConflictError")}
    }
  }`,
};

export async function createUser(context: AppLoadContext, input: { email: string; role: string; password: string | null }) {
  return (await run(context, CreateUser, { input })).createUser;
}

const UpdateUserRole: Operation<{ updateUser: Failure | { __typename: "MutationUpdateUserSuccess"; data: UserRow } }, { id: string; role: Role }> = {
  source: /* GraphQL */ `mutation UiUpdateUserRole($id: ID!, $role: Role!) {
    updateUser(id: $id, input: { role: $role }) {
      __typename
      ... on MutationUpdateUserSuccess { data { ${USER_ROW} } }
      ${failureFields("ValidationError", "ConflictError")}
    }
  }`,
};

export async function setUserRole(context: AppLoadContext, id: string, role: Role) {
  return (await run(context, UpdateUserRole, { id, role })).updateUser;
}

export interface IssuedLink {
  __typename: "MutationCreatePasswordResetLinkSuccess";
  data: { url: string; expiresAt: string; user: { id: string; email: string } };
}

const CreateResetLink: Operation<{ createPasswordResetLink: Failure | IssuedLink }, { userId: string }> = {
  source: /* GraphQL */ `mutation UiCreatePasswordResetLink($userId: ID!) {
    createPasswordResetLink(userId: $userId) {
      __typename
      ... on MutationCreatePasswordResetLinkSuccess { data { url expiresAt user { id email } } }
      ${failureFields()}
    }
  }`,
};

export async function createPasswordResetLink(context: AppLoadContext, userId: string) {
  return (await run(context, CreateResetLink, { userId })).createPasswordResetLink;
}

const DeleteUser: Operation<{ deleteUser: Failure | { __typename: "MutationDeleteUserSuccess"; data: string } }, { id: string }> = {
  source: /* GraphQL */ `mutation UiDeleteUser($id: ID!) {
    deleteUser(id: $id) {
      __typename
      ... on MutationDeleteUserSuccess { data }
      ${failureFields("ConflictError")}
    }
  }`,
};

export async function deleteUser(context: AppLoadContext, id: string) {
  return (await run(context, DeleteUser, { id })).deleteUser;
}

export interface AccountDetails {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  passwordChangedAt: string | null;
  tenantCount: number;
}

const Account: Operation<{ me: AccountDetails | null }> = {
  source: /* GraphQL */ `query UiAccount { me { id email role createdAt passwordChangedAt tenantCount } }`,
};

export async function getAccount(context: AppLoadContext): Promise<AccountDetails | null> {
  return (await run(context, Account)).me;
}

const ChangePassword: Operation<{ changePassword: Failure | { __typename: "MutationChangePasswordSuccess"; data: { id: string } } }, { current: string; new: string }> = {
  source: /* GraphQL */ `mutation UiChangePassword($current: String!, $new: String!) {
    changePassword(current: $current, new: $new) {
      __typename
      ... on MutationChangePasswordSuccess { data { id } }
      ${failureFields("ValidationError", "TooManyAttemptsError")}
    }
  }`,
};

export async function changePassword(context: AppLoadContext, current: string, next: string) {
  return (await run(context, ChangePassword, { current, new: next })).changePassword;
}

export interface PasswordLinkInfo {
  email: string;
  purpose: "INVITE" | "RESET";
  expiresAt: string;
}

const PeekPasswordLink: Operation<{ passwordLink: PasswordLinkInfo | null }, { token: string }> = {
  source: /* GraphQL */ `query UiPasswordLink($token: String!) { passwordLink(token: $token) { email purpose expiresAt } }`,
};

/** Whose set-password link this is, or null when it is unknown, used or expired. */
export async function peekPasswordLink(context: AppLoadContext, token: string) {
  return (await run(context, PeekPasswordLink, { token })).passwordLink;
}

const SetPassword: Operation<{ setPassword: Failure | { __typename: "MutationSetPasswordSuccess"; data: { id: string; email: string } } }, { token: string; new: string }> = {
  source: /* GraphQL */ `mutation UiSetPassword($token: String!, $new: String!) {
    setPassword(token: $token, new: $new) {
      __typename
      ... on MutationSetPasswordSuccess { data { id email } }
      ${failureFields("ValidationError", "TooManyAttemptsError")}
    }
  }`,
};

export async function setPassword(context: AppLoadContext, token: string, next: string) {
  return (await run(context, SetPassword, { token, new: next })).setPassword;
}
