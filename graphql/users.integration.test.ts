import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INVALID_LINK_MESSAGE } from "../server/auth/password-links";
import { ConflictError } from "../server/errors";
import { ADMIN, CLIENT, LOGIN, ME, gql, seedUsers, signIn, startTestApp, type TestApp } from "../test/app";

type Data = Record<string, any>;

const USER_FIELDS = "id email role hasPassword passwordChangedAt createdAt updatedAt";
// Fragments on the error types a field may return (a spread on any other type is invalid).
const E = "... on Error { code message }";
const V = "... on ValidationError { fieldErrors { field message } }";
const C = "... on ConflictError { field }";
const T = "... on TooManyAttemptsError { retryAfterSeconds }";

const USERS = /* GraphQL */ `
  query Users($first: Int, $after: String, $role: Role, $search: String) {
    users(first: $first, after: $after, role: $role, search: $search) {
      edges { node { id email role } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;
const USER = /* GraphQL */ `query One($id: ID!) { user(id: $id) { __typename ... on QueryUserSuccess { data { ${USER_FIELDS} tenantCount } } ${E} } }`;
const CREATE_USER = /* GraphQL */ `
  mutation CreateUser($input: CreateUserInput!) {
    createUser(input: $input) {
      __typename
      ... on MutationCreateUserSuccess { data { user { ${USER_FIELDS} } setPasswordUrl setPasswordExpiresAt } }
      ${E} ${V} ${C}
    }
  }
`;
const UPDATE_USER = /* GraphQL */ `
  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {
    updateUser(id: $id, input: $input) { __typename ... on MutationUpdateUserSuccess { data { ${USER_FIELDS} } } ${E} ${V} ${C} }
  }
`;
const DELETE_USER = /* GraphQL */ `mutation DeleteUser($id: ID!) { deleteUser(id: $id) { __typename ... on MutationDeleteUserSuccess { data } ${E} ${C} } }`;
const RESET_LINK = /* GraphQL */ `
  mutation Reset($userId: ID!) {
    createPasswordResetLink(userId: $userId) {
      __typename
      ... on MutationCreatePasswordResetLinkSuccess { data { url expiresAt user { id email hasPassword } } }
      ${E}
    }
  }
`;
const CHANGE_PASSWORD = /* GraphQL */ `
  mutation Change($current: String!, $new: String!) {
    changePassword(current: $current, new: $new) { __typename ... on MutationChangePasswordSuccess { data { ${USER_FIELDS} } } ${E} ${V} ${T} }
  }
`;
const SET_PASSWORD = /* GraphQL */ `
  mutation SetPassword($token: String!, $new: String!) {
    setPassword(token: $token, new: $new) { __typename ... on MutationSetPasswordSuccess { data { ${USER_FIELDS} } } ${E} ${V} ${T} }
  }
`;
const CREATE_TENANT = /* GraphQL */ `
  mutation CreateTenant($input: CreateTenantInput!) {
    createTenant(input: $input) {
      __typename
      ... on MutationCreateTenantSuccess { data { id domain owner { id email role hasPassword } } ownerSetPasswordUrl ownerSetPasswordExpiresAt }
      ${E} ${V} ${C}
    }
  }
`;

/** The token in a set-password URL (its last path segment). */
function tokenOf(url: string): string {
  const match = /\/set-password\/([A-Za-z0-9_-]+)$/.exec(url);
  if (!match) throw new Error(`not a set-password URL: ${url}`);
  return match[1]!;
}

async function loginResult(url: string, email: string, password: string): Promise<string> {
  return (await gql<Data>(url, LOGIN, { email, password })).body.data!.login.__typename;
}

async function meOf(url: string, cookie: string): Promise<string | null> {
  return (await gql<Data>(url, ME, {}, { cookie })).body.data!.me?.email ?? null;
}

describe("accounts through GraphQL", () => {
  let t: TestApp;
  let admin: string;
  let client: string;
  let adminId: string;
  let clientId: string;
  /** Every password and link token used here: none may appear in the audit log. */
  const secrets: string[] = [ADMIN.password, CLIENT.password];

  beforeAll(async () => {
    t = await startTestApp({}, { worker: false });
    await seedUsers(t.app);
    admin = await signIn(t.url, ADMIN);
    client = await signIn(t.url, CLIENT);
    adminId = (await t.app.services.prisma.user.findUniqueOrThrow({ where: { email: ADMIN.email } })).id;
    clientId = (await t.app.services.prisma.user.findUniqueOrThrow({ where: { email: CLIENT.email } })).id;
  });
  afterAll(() => t.close());

  it("creates an account with a password: it signs in at once, and no link is made", async () => {
    const password = "ready made password 1";
    secrets.push(password);
    const res = await gql<Data>(t.url, CREATE_USER, { input: { email: "  Ready@Example.com ", password, role: "CLIENT" } }, { cookie: admin });
    expect(res.body.data!.createUser).toMatchObject({
      __typename: "MutationCreateUserSuccess",
      data: { user: { email: "ready@example.com", role: "CLIENT", hasPassword: true }, setPasswordUrl: null, setPasswordExpiresAt: null },
    });
    expect(res.body.data!.createUser.data.user.passwordChangedAt).not.toBeNull();
    expect(await loginResult(t.url, "ready@example.com", password)).toBe("MutationLoginSuccess");
  });

  it("answers bad input, a taken e-mail and a CLIENT caller properly", async () => {
    const bad = await gql<Data>(t.url, CREATE_USER, { input: { email: "not-an-email", password: "short", role: "CLIENT" } }, { cookie: admin });
    expect(bad.body.data!.createUser.__typename).toBe("ValidationError");
    expect(bad.body.data!.createUser.fieldErrors.map((e: Data) => e.field).sort()).toEqual(["email", "password"]);
    const taken = await gql<Data>(t.url, CREATE_USER, { input: { email: CLIENT.email.toUpperCase(), role: "ADMIN" } }, { cookie: admin });
    expect(taken.body.data!.createUser).toMatchObject({ __typename: "ConflictError", code: "CONFLICT", field: "email" });
    const asClient = await gql<Data>(t.url, CREATE_USER, { input: { email: "sneaky@example.com", role: "ADMIN" } }, { cookie: client });
    expect(asClient.body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(await t.app.services.prisma.user.count({ where: { email: "sneaky@example.com" } })).toBe(0);
  });

  it("creates an account without a password and a one-time link that works once", async () => {
    const before = Date.now();
    const res = await gql<Data>(t.url, CREATE_USER, { input: { email: "invited@example.com", role: "CLIENT" } }, { cookie: admin });
    const created = res.body.data!.createUser;
    expect(created).toMatchObject({ __typename: "MutationCreateUserSuccess", data: { user: { email: "invited@example.com", hasPassword: false, passwordChangedAt: null } } });
    const { setPasswordUrl, setPasswordExpiresAt } = created.data;
    expect(setPasswordUrl.startsWith(`${t.app.services.config.appUrl}/set-password/`)).toBe(true);
    const ttl = new Date(setPasswordExpiresAt).getTime() - before;
    expect(ttl).toBeGreaterThan(72 * 3_600_000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(72 * 3_600_000 + 60_000);
    const token = tokenOf(setPasswordUrl);
    secrets.push(token);

    // Only the token's hash is stored.
    const rows = await t.app.services.prisma.passwordLink.findMany({ where: { userId: created.data.user.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ purpose: "INVITE", usedAt: null });
    expect(JSON.stringify(rows)).not.toContain(token);

    // No password yet: nothing signs in.
    expect(await loginResult(t.url, "invited@example.com", "anything at all 123")).toBe("InvalidCredentialsError");
    expect(await t.app.services.passwordLinks.peek(token)).toMatchObject({ email: "invited@example.com", purpose: "INVITE" });

    // A weak password is refused and the link stays usable.
    const weak = await gql<Data>(t.url, SET_PASSWORD, { token, new: "short" });
    expect(weak.body.data!.setPassword).toMatchObject({ __typename: "ValidationError", fieldErrors: [{ field: "new", message: "Password must be at least 12 characters" }] });

    const password = "my own chosen password";
    secrets.push(password);
    const set = await gql<Data>(t.url, SET_PASSWORD, { token, new: password });
    expect(set.body.data!.setPassword).toMatchObject({ __typename: "MutationSetPasswordSuccess", data: { email: "invited@example.com", hasPassword: true } });
    expect(set.body.data!.setPassword.data.passwordChangedAt).not.toBeNull();
    expect(set.cookies).toEqual([]);
    expect(await loginResult(t.url, "invited@example.com", password)).toBe("MutationLoginSuccess");

    // Used: refused, with the one message for every unusable link.
    const again = await gql<Data>(t.url, SET_PASSWORD, { token, new: "another password 42" });
    expect(again.body.data!.setPassword).toEqual({
      __typename: "ValidationError",
      code: "VALIDATION_FAILED",
      message: `token: ${INVALID_LINK_MESSAGE}`,
      fieldErrors: [{ field: "token", message: INVALID_LINK_MESSAGE }],
    });
    expect(await t.app.services.passwordLinks.peek(token)).toBeNull();
    expect(await loginResult(t.url, "invited@example.com", password)).toBe("MutationLoginSuccess");
  });

  it("lists accounts newest first, by role and by part of the e-mail, page by page (ADMIN only)", async () => {
    for (const n of [1, 2, 3]) {
      await gql<Data>(t.url, CREATE_USER, { input: { email: `list-${n}@Example.org`, role: "CLIENT" } }, { cookie: admin });
    }
    const expected = (
      await t.app.services.prisma.user.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { email: true } })
    ).map((u) => u.email);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const res: { body: { data?: Data } } = await gql<Data>(t.url, USERS, { first: 2, after }, { cookie: admin });
      const connection: Data = res.body.data!.users;
      expect(connection.edges.length).toBeLessThanOrEqual(2);
      seen.push(...connection.edges.map((e: Data) => e.node.email));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
    expect(seen.length).toBeGreaterThanOrEqual(7);

    const admins = await gql<Data>(t.url, USERS, { first: 50, role: "ADMIN" }, { cookie: admin });
    expect(admins.body.data!.users.edges.map((e: Data) => e.node.email)).toEqual([ADMIN.email]);
    const search = await gql<Data>(t.url, USERS, { first: 50, search: " LIST-" }, { cookie: admin });
    expect(search.body.data!.users.edges.map((e: Data) => e.node.email)).toEqual(["list-3@example.org", "list-2@example.org", "list-1@example.org"]);
    const both = await gql<Data>(t.url, USERS, { first: 50, search: "example.com", role: "ADMIN" }, { cookie: admin });
    expect(both.body.data!.users.edges.map((e: Data) => e.node.email)).toEqual([ADMIN.email]);

    expect((await gql<Data>(t.url, USERS, { first: 5 }, { cookie: client })).body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await gql<Data>(t.url, USERS, { first: 5 })).body.errors?.[0]?.extensions?.code).toBe("NOT_AUTHENTICATED");
  });

  it("shows one account to an ADMIN or to its owner; anyone else's looks missing", async () => {
    const asAdmin = await gql<Data>(t.url, USER, { id: clientId }, { cookie: admin });
    expect(asAdmin.body.data!.user).toMatchObject({ __typename: "QueryUserSuccess", data: { id: clientId, email: CLIENT.email, hasPassword: true } });
    const self = await gql<Data>(t.url, USER, { id: clientId }, { cookie: client });
    expect(self.body.data!.user.data.email).toBe(CLIENT.email);
    const foreign = await gql<Data>(t.url, USER, { id: adminId }, { cookie: client });
    const missing = await gql<Data>(t.url, USER, { id: "no-such-user" }, { cookie: client });
    expect(foreign.body.data!.user).toEqual({ __typename: "NotFoundError", code: "NOT_FOUND", message: "The user was not found." });
    expect(missing.body.data!.user).toEqual(foreign.body.data!.user);
    expect(foreign.text).not.toContain(ADMIN.email);
    expect((await gql<Data>(t.url, USER, { id: clientId })).body.errors?.[0]?.extensions?.code).toBe("NOT_AUTHENTICATED");
  });

  it("lists a user's tenants under the tenant rules, and counts them", async () => {
    const created = await gql<Data>(t.url, CREATE_TENANT, { input: { name: "Owned", domain: "owned.example.com", ownerId: clientId } }, { cookie: admin });
    expect(created.body.data!.createTenant).toMatchObject({
      __typename: "MutationCreateTenantSuccess",
      data: { owner: { id: clientId } },
      ownerSetPasswordUrl: null,
      ownerSetPasswordExpiresAt: null,
    });
    const query = `query($id: ID!) { user(id: $id) { ... on QueryUserSuccess { data { tenantCount tenants(first: 10) { edges { node { domain } } } } } } }`;
    for (const cookie of [admin, client]) {
      const res = await gql<Data>(t.url, query, { id: clientId }, { cookie });
      expect(res.body.data!.user.data).toEqual({ tenantCount: 1, tenants: { edges: [{ node: { domain: "owned.example.com" } }] } });
    }
    const me = await gql<Data>(t.url, `query { me { tenantCount } }`, {}, { cookie: client });
    expect(me.body.data!.me.tenantCount).toBe(1);
    // Without a session there is no tenant rule to apply: asking is refused, not answered empty.
    const anonymous = await gql<Data>(t.url, `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { ... on MutationLoginSuccess { data { email tenantCount } } } }`, CLIENT);
    expect(anonymous.body.errors?.[0]).toMatchObject({ path: ["login", "data", "tenantCount"], extensions: { code: "NOT_AUTHENTICATED" } });
    // An account without tenants has none to list.
    const other = await gql<Data>(t.url, `query { me { tenantCount tenants(first: 5) { edges { node { id } } } } }`, {}, { cookie: admin });
    expect(other.body.data!.me).toEqual({ tenantCount: 0, tenants: { edges: [] } });
  });

  it("changes e-mail and role, refusing a taken e-mail, the last ADMIN's demotion and an owner's promotion", async () => {
    const target = (await t.app.services.users.create({ email: "changeme@example.com", password: "change me password 1", role: "CLIENT" })).id;
    secrets.push("change me password 1");
    const renamed = await gql<Data>(t.url, UPDATE_USER, { id: target, input: { email: "Changed@Example.com" } }, { cookie: admin });
    expect(renamed.body.data!.updateUser).toMatchObject({ __typename: "MutationUpdateUserSuccess", data: { email: "changed@example.com", role: "CLIENT" } });
    const taken = await gql<Data>(t.url, UPDATE_USER, { id: target, input: { email: CLIENT.email } }, { cookie: admin });
    expect(taken.body.data!.updateUser).toMatchObject({ __typename: "ConflictError", field: "email" });
    const bad = await gql<Data>(t.url, UPDATE_USER, { id: target, input: { email: "nope" } }, { cookie: admin });
    expect(bad.body.data!.updateUser).toMatchObject({ __typename: "ValidationError", fieldErrors: [{ field: "email" }] });
    const missing = await gql<Data>(t.url, UPDATE_USER, { id: "nobody", input: { role: "ADMIN" } }, { cookie: admin });
    expect(missing.body.data!.updateUser.__typename).toBe("NotFoundError");

    const lastAdmin = await gql<Data>(t.url, UPDATE_USER, { id: adminId, input: { role: "CLIENT" } }, { cookie: admin });
    expect(lastAdmin.body.data!.updateUser).toEqual({
      __typename: "ConflictError",
      code: "CONFLICT",
      field: "role",
      message: `${ADMIN.email} is the last ADMIN and cannot be demoted; make another account ADMIN first.`,
    });
    const owner = await gql<Data>(t.url, UPDATE_USER, { id: clientId, input: { role: "ADMIN" } }, { cookie: admin });
    expect(owner.body.data!.updateUser).toMatchObject({ __typename: "ConflictError", field: "role" });
    expect(owner.body.data!.updateUser.message).toContain("owns 1 tenant(s)");

    // With a second ADMIN, the first may step down; then the second is the last.
    const promoted = await gql<Data>(t.url, UPDATE_USER, { id: target, input: { role: "ADMIN" } }, { cookie: admin });
    expect(promoted.body.data!.updateUser.data.role).toBe("ADMIN");
    const second = await signIn(t.url, { email: "changed@example.com", password: "change me password 1" });
    const stepDown = await gql<Data>(t.url, UPDATE_USER, { id: adminId, input: { role: "CLIENT" } }, { cookie: second });
    expect(stepDown.body.data!.updateUser.data.role).toBe("CLIENT");
    expect((await gql<Data>(t.url, USERS, { first: 1 }, { cookie: admin })).body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const alone = await gql<Data>(t.url, UPDATE_USER, { id: target, input: { role: "CLIENT" } }, { cookie: second });
    expect(alone.body.data!.updateUser).toMatchObject({ __typename: "ConflictError", field: "role" });
    const back = await gql<Data>(t.url, UPDATE_USER, { id: adminId, input: { role: "ADMIN" } }, { cookie: second });
    expect(back.body.data!.updateUser.data.role).toBe("ADMIN");
    const done = await gql<Data>(t.url, UPDATE_USER, { id: target, input: { role: "CLIENT" } }, { cookie: admin });
    expect(done.body.data!.updateUser.data.role).toBe("CLIENT");
    expect(await meOf(t.url, admin)).toBe(ADMIN.email);
  });

  it("deletes accounts, but not yourself, not the last ADMIN, and not an owner of tenants", async () => {
    const self = await gql<Data>(t.url, DELETE_USER, { id: adminId }, { cookie: admin });
    expect(self.body.data!.deleteUser).toMatchObject({ __typename: "ConflictError", message: "You cannot delete your own account; another ADMIN can." });
    await expect(t.app.services.users.delete(adminId, null)).rejects.toThrow(ConflictError);
    await expect(t.app.services.users.delete(adminId, null)).rejects.toThrow(`${ADMIN.email} is the last ADMIN and cannot be deleted`);

    const owner = await gql<Data>(t.url, DELETE_USER, { id: clientId }, { cookie: admin });
    expect(owner.body.data!.deleteUser).toEqual({ __typename: "ConflictError", code: "CONFLICT", field: null, message: `${CLIENT.email} owns 1 tenant(s); delete them first.` });
    expect(await meOf(t.url, client)).toBe(CLIENT.email);

    // An account with a session, a token, a link and only a DELETED tenant goes, with all of them.
    const gone = await t.app.services.users.create({ email: "leaving@example.com", password: "leaving password 1", role: "CLIENT" });
    secrets.push("leaving password 1");
    const goneCookie = await signIn(t.url, { email: "leaving@example.com", password: "leaving password 1" });
    await t.app.services.users.issuePasswordLink(gone.id, adminId);
    const tenant = await t.app.services.tenants.create({ name: "Old", domain: "old.example.com", ownerId: gone.id }, { type: "USER", id: adminId });
    await t.app.services.prisma.tenant.update({ where: { id: tenant.id }, data: { status: "DELETED" } });
    const res = await gql<Data>(t.url, DELETE_USER, { id: gone.id }, { cookie: admin });
    expect(res.body.data!.deleteUser).toEqual({ __typename: "MutationDeleteUserSuccess", data: gone.id });
    expect(await meOf(t.url, goneCookie)).toBeNull();
    expect(await t.app.services.prisma.tenant.count({ where: { id: tenant.id } })).toBe(0);
    expect(await t.app.services.prisma.passwordLink.count({ where: { userId: gone.id } })).toBe(0);
    const again = await gql<Data>(t.url, DELETE_USER, { id: gone.id }, { cookie: admin });
    expect(again.body.data!.deleteUser.__typename).toBe("NotFoundError");
    expect((await gql<Data>(t.url, DELETE_USER, { id: adminId }, { cookie: client })).body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("makes reset links: the old password works until one is used, a newer link replaces an older one", async () => {
    const user = await t.app.services.users.create({ email: "forgetful@example.com", password: "forgotten password 1", role: "CLIENT" });
    secrets.push("forgotten password 1");
    const session = await signIn(t.url, { email: "forgetful@example.com", password: "forgotten password 1" });
    const first = await gql<Data>(t.url, RESET_LINK, { userId: user.id }, { cookie: admin });
    expect(first.body.data!.createPasswordResetLink).toMatchObject({
      __typename: "MutationCreatePasswordResetLinkSuccess",
      data: { user: { id: user.id, email: "forgetful@example.com", hasPassword: true } },
    });
    const second = await gql<Data>(t.url, RESET_LINK, { userId: user.id }, { cookie: admin });
    const [stale, fresh] = [first, second].map((r) => tokenOf(r.body.data!.createPasswordResetLink.data.url)) as [string, string];
    secrets.push(stale, fresh);
    expect(await loginResult(t.url, "forgetful@example.com", "forgotten password 1")).toBe("MutationLoginSuccess");
    expect(await t.app.services.passwordLinks.peek(fresh)).toMatchObject({ purpose: "RESET" });

    const refused = await gql<Data>(t.url, SET_PASSWORD, { token: stale, new: "remembered password 2" });
    expect(refused.body.data!.setPassword.fieldErrors).toEqual([{ field: "token", message: INVALID_LINK_MESSAGE }]);
    secrets.push("remembered password 2");
    const used = await gql<Data>(t.url, SET_PASSWORD, { token: fresh, new: "remembered password 2" });
    expect(used.body.data!.setPassword.__typename).toBe("MutationSetPasswordSuccess");
    expect(await loginResult(t.url, "forgetful@example.com", "forgotten password 1")).toBe("InvalidCredentialsError");
    expect(await loginResult(t.url, "forgetful@example.com", "remembered password 2")).toBe("MutationLoginSuccess");
    // Every session of the account ended when the link was used.
    expect(await meOf(t.url, session)).toBeNull();

    const missing = await gql<Data>(t.url, RESET_LINK, { userId: "nobody" }, { cookie: admin });
    expect(missing.body.data!.createPasswordResetLink.__typename).toBe("NotFoundError");
    expect((await gql<Data>(t.url, RESET_LINK, { userId: clientId }, { cookie: client })).body.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("changes your own password from a session: the current one is needed, other sessions end, this one stays", async () => {
    const who = { email: "changer@example.com", password: "first password 123" };
    const next = "second password 456";
    secrets.push(who.password, next);
    const user = await t.app.services.users.create({ ...who, role: "CLIENT" });
    const here = await signIn(t.url, who);
    const elsewhere = await signIn(t.url, who);

    const wrong = await gql<Data>(t.url, CHANGE_PASSWORD, { current: "not my password", new: next }, { cookie: here });
    expect(wrong.body.data!.changePassword).toEqual({
      __typename: "ValidationError",
      code: "VALIDATION_FAILED",
      message: "current: The current password is incorrect",
      fieldErrors: [{ field: "current", message: "The current password is incorrect" }],
    });
    const weak = await gql<Data>(t.url, CHANGE_PASSWORD, { current: who.password, new: "short" }, { cookie: here });
    expect(weak.body.data!.changePassword.fieldErrors).toEqual([{ field: "new", message: "Password must be at least 12 characters" }]);
    expect(await meOf(t.url, elsewhere)).toBe(who.email);

    const { token } = await t.app.services.apiTokens.create({ user: { id: user.id, email: who.email, role: "CLIENT" }, accountRole: "CLIENT", token: null }, { name: "script" });
    secrets.push(token);
    const withToken = await gql<Data>(t.url, CHANGE_PASSWORD, { current: who.password, new: next }, { authorization: `Bearer ${token}` });
    expect(withToken.body.data!.changePassword).toEqual({ __typename: "ForbiddenError", code: "FORBIDDEN", message: "Change passwords from a signed-in session." });
    expect((await gql<Data>(t.url, CHANGE_PASSWORD, { current: who.password, new: next })).body.errors?.[0]?.extensions?.code).toBe("NOT_AUTHENTICATED");

    const ok = await gql<Data>(t.url, CHANGE_PASSWORD, { current: who.password, new: next }, { cookie: here });
    expect(ok.body.data!.changePassword).toMatchObject({ __typename: "MutationChangePasswordSuccess", data: { email: who.email } });
    expect(await meOf(t.url, here)).toBe(who.email);
    expect(await meOf(t.url, elsewhere)).toBeNull();
    expect(await loginResult(t.url, who.email, who.password)).toBe("InvalidCredentialsError");
    expect(await loginResult(t.url, who.email, next)).toBe("MutationLoginSuccess");
  });

  it("creates the owner's CLIENT account with the tenant, and its link, when the e-mail is new", async () => {
    const res = await gql<Data>(t.url, CREATE_TENANT, { input: { name: "Fresh", domain: "fresh.example.com", ownerEmail: "New.Owner@Example.com" } }, { cookie: admin });
    const result = res.body.data!.createTenant;
    expect(result).toMatchObject({
      __typename: "MutationCreateTenantSuccess",
      data: { domain: "fresh.example.com", owner: { email: "new.owner@example.com", role: "CLIENT", hasPassword: false } },
    });
    expect(new Date(result.ownerSetPasswordExpiresAt).getTime()).toBeGreaterThan(Date.now() + 71 * 3_600_000);
    const token = tokenOf(result.ownerSetPasswordUrl);
    secrets.push(token, "owner chosen password");
    const links = await t.app.services.prisma.passwordLink.findMany({ where: { userId: result.data.owner.id } });
    expect(links).toMatchObject([{ purpose: "INVITE", createdById: adminId }]);

    const set = await gql<Data>(t.url, SET_PASSWORD, { token, new: "owner chosen password" });
    expect(set.body.data!.setPassword.__typename).toBe("MutationSetPasswordSuccess");
    const owner = await signIn(t.url, { email: "new.owner@example.com", password: "owner chosen password" });
    const mine = await gql<Data>(t.url, `query { tenants(first: 5) { edges { node { domain } } } }`, {}, { cookie: owner });
    expect(mine.body.data!.tenants.edges).toEqual([{ node: { domain: "fresh.example.com" } }]);

    // An existing CLIENT: no account and no link are made.
    const existing = await gql<Data>(t.url, CREATE_TENANT, { input: { name: "Second", domain: "second.example.com", ownerEmail: "NEW.OWNER@example.com" } }, { cookie: admin });
    expect(existing.body.data!.createTenant).toMatchObject({ ownerSetPasswordUrl: null, ownerSetPasswordExpiresAt: null, data: { owner: { id: result.data.owner.id } } });
  });

  it("leaves no account behind when the tenant cannot be created, and refuses ADMIN owners", async () => {
    const taken = await gql<Data>(t.url, CREATE_TENANT, { input: { name: "Dup", domain: "fresh.example.com", ownerEmail: "ghost@example.com" } }, { cookie: admin });
    expect(taken.body.data!.createTenant).toMatchObject({ __typename: "ConflictError", field: "domain" });
    expect(await t.app.services.prisma.user.count({ where: { email: "ghost@example.com" } })).toBe(0);

    const asAdmin = await gql<Data>(t.url, CREATE_TENANT, { input: { name: "Staff", domain: "staff.example.com", ownerEmail: ADMIN.email } }, { cookie: admin });
    expect(asAdmin.body.data!.createTenant).toMatchObject({
      __typename: "ValidationError",
      fieldErrors: [{ field: "ownerEmail", message: `${ADMIN.email} is an ADMIN account; tenants belong to CLIENT accounts` }],
    });
    const byId = await gql<Data>(t.url, CREATE_TENANT, { input: { name: "Staff", domain: "staff.example.com", ownerId: adminId } }, { cookie: admin });
    expect(byId.body.data!.createTenant.fieldErrors).toEqual([{ field: "ownerId", message: `${ADMIN.email} is an ADMIN account; tenants belong to CLIENT accounts` }]);
    const badEmail = await gql<Data>(t.url, CREATE_TENANT, { input: { name: "Staff", domain: "staff.example.com", ownerEmail: "not an email" } }, { cookie: admin });
    expect(badEmail.body.data!.createTenant.fieldErrors.map((e: Data) => e.field)).toEqual(["ownerEmail"]);
    expect(await t.app.services.prisma.tenant.count({ where: { domain: "staff.example.com" } })).toBe(0);
  });

  it("audits every account mutation, with the target and without a password or token", async () => {
    const entries = await t.app.services.prisma.auditEntry.findMany({ orderBy: { id: "asc" } });
    const actions = new Set(entries.map((e) => e.action));
    for (const action of ["createUser", "updateUser", "deleteUser", "createPasswordResetLink", "changePassword", "setPassword", "createTenant"]) {
      expect(actions).toContain(action);
    }
    const invited = await t.app.services.prisma.user.findUniqueOrThrow({ where: { email: "invited@example.com" } });
    expect(entries.find((e) => e.action === "createUser" && e.targetId === invited.id)).toMatchObject({ targetType: "User", actorId: adminId, result: "OK" });
    expect(entries.find((e) => e.action === "setPassword" && e.targetId === invited.id)).toMatchObject({ targetType: "User", actorType: "ANONYMOUS", result: "OK" });
    const refusedLink = entries.find((e) => e.action === "setPassword" && e.result === "VALIDATION_FAILED");
    expect(refusedLink?.detail).toContain("[redacted]");
    const reset = entries.find((e) => e.action === "createPasswordResetLink" && e.result === "OK");
    expect(reset).toMatchObject({ targetType: "User" });
    expect(reset?.targetId).toBeTruthy();
    expect(entries.find((e) => e.action === "changePassword" && e.result === "FORBIDDEN")).toMatchObject({ actorType: "TOKEN", targetType: "User" });
    expect(entries.find((e) => e.action === "changePassword" && e.result === "OK")).toMatchObject({ actorType: "USER", targetType: "User" });
    expect(entries.find((e) => e.action === "deleteUser" && e.targetId === clientId)).toMatchObject({ targetType: "User", result: "CONFLICT" });

    const everything = JSON.stringify(entries);
    expect(secrets.length).toBeGreaterThan(10);
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });
});

describe("set-password links over time and under attack", () => {
  let t: TestApp;
  let admin: string;
  let offsetMs = 0;

  beforeAll(async () => {
    t = await startTestApp({ PASSWORD_LINK_TTL_HOURS: "2" }, { now: () => new Date(Date.now() + offsetMs), worker: false });
    await seedUsers(t.app);
    admin = await signIn(t.url, ADMIN);
  });
  afterAll(() => t.close());

  it("rate-limits set-password attempts per address, even with a good link", async () => {
    const res = await gql<Data>(t.url, CREATE_USER, { input: { email: "target@example.com", role: "CLIENT" } }, { cookie: admin });
    const token = tokenOf(res.body.data!.createUser.data.setPasswordUrl);
    for (let i = 0; i < 10; i++) {
      const guess = await gql<Data>(t.url, SET_PASSWORD, { token: `guess-${i}`, new: "attacker password 1" });
      expect(guess.body.data!.setPassword.__typename).toBe("ValidationError");
    }
    const blocked = await gql<Data>(t.url, SET_PASSWORD, { token, new: "legit password 123" });
    expect(blocked.body.data!.setPassword).toMatchObject({ __typename: "TooManyAttemptsError", code: "TOO_MANY_ATTEMPTS" });
    const wait = blocked.body.data!.setPassword.retryAfterSeconds;
    expect(wait).toBeGreaterThan(800);
    expect(wait).toBeLessThanOrEqual(900);
    expect(blocked.body.data!.setPassword.message).toBe(`Too many set-password attempts. Try again in ${wait} s.`);
    expect(await t.app.services.passwordLinks.peek(token)).not.toBeNull();

    // Once the window has passed, the link works.
    offsetMs = 15 * 60_000 + 1000;
    try {
      const later = await gql<Data>(t.url, SET_PASSWORD, { token, new: "legit password 123" });
      expect(later.body.data!.setPassword.__typename).toBe("MutationSetPasswordSuccess");
    } finally {
      offsetMs = 0;
    }
  });

  it("refuses an expired link with the same message as an unknown one", async () => {
    const res = await gql<Data>(t.url, CREATE_USER, { input: { email: "late@example.com", role: "CLIENT" } }, { cookie: admin });
    const { setPasswordUrl, setPasswordExpiresAt } = res.body.data!.createUser.data;
    expect(new Date(setPasswordExpiresAt).getTime() - Date.now()).toBeLessThanOrEqual(2 * 3_600_000);
    const token = tokenOf(setPasswordUrl);
    offsetMs = 2 * 3_600_000 + 1000;
    try {
      expect(await t.app.services.passwordLinks.peek(token)).toBeNull();
      const expired = await gql<Data>(t.url, SET_PASSWORD, { token, new: "too late password 1" });
      const unknown = await gql<Data>(t.url, SET_PASSWORD, { token: "A".repeat(43), new: "too late password 1" });
      expect(expired.body.data!.setPassword.fieldErrors).toEqual([{ field: "token", message: INVALID_LINK_MESSAGE }]);
      expect(unknown.body.data!.setPassword).toEqual(expired.body.data!.setPassword);
    } finally {
      offsetMs = 0;
    }
    const user = await t.app.services.prisma.user.findUniqueOrThrow({ where: { email: "late@example.com" } });
    expect(user.passwordHash).toBeNull();
  });
});
