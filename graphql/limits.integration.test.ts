import { getIntrospectionQuery } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, gql, ME, seedUsers, signIn, startTestApp, type TestApp } from "../test/app";

describe("hostile GraphQL requests", () => {
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    t = await startTestApp({}, { worker: false });
    await seedUsers(t.app);
    cookie = await signIn(t.url, ADMIN);
  });
  afterAll(() => t.close());

  it("refuses a query nested 30 levels deep (and one just past the limit)", async () => {
    // The schema has no cycle yet, so a query this deep cannot be valid; the limit is checked anyway,
    // before anything runs, and stays in force when relations make cycles possible.
    const nest = (levels: number) => `{ me { ${Array.from({ length: levels }, (_, i) => `f${i} {`).join(" ")} id ${"}".repeat(levels)} } }`;
    for (const query of [nest(30), nest(12)]) {
      const res = await gql(t.url, query, {}, { cookie });
      expect(res.body.data).toBeUndefined();
      expect(res.body.errors?.map((e) => e.extensions?.code)).toContain("QUERY_TOO_DEEP");
      expect(res.body.errors?.find((e) => e.extensions?.code === "QUERY_TOO_DEEP")?.message).toBe("The query is nested deeper than 12 levels, the most allowed.");
    }
  });

  it("accepts the deepest query the panel itself sends", async () => {
    const res = await gql(t.url, `{ tenants(first: 1) { edges { node { health { services { service } } owner { email } } } } }`, {}, { cookie });
    expect(res.body.errors).toBeUndefined();
  });

  it("still answers the full introspection query (GraphiQL, code generators)", async () => {
    const res = await gql<{ __schema: { types: unknown[] } }>(t.url, getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }), {}, { cookie });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data?.__schema.types.length).toBeGreaterThan(20);
  });

  it("keeps the schema to signed-in callers: introspection and GraphiQL", async () => {
    const anonymous = await gql(t.url, getIntrospectionQuery());
    expect(anonymous.body.errors?.[0]).toMatchObject({ extensions: { code: "NOT_AUTHENTICATED" } });
    const hidden = await gql(t.url, `query { ...F } fragment F on Query { __type(name: "Tenant") { name } }`);
    expect(hidden.body.errors?.[0]?.extensions?.code).toBe("NOT_AUTHENTICATED");
    expect((await gql(t.url, "{ __typename }")).body).toEqual({ data: { __typename: "Query" } });
    const badToken = await gql(t.url, "{ __schema { queryType { name } } }", {}, { authorization: "Bearer mtp_unknown" });
    expect(badToken.body.errors?.[0]?.message).toBe("The API token is unknown.");

    const page = (headers: Record<string, string>) => fetch(`${t.url}/graphql`, { headers: { accept: "text/html", ...headers }, redirect: "manual" });
    const signedOut = await page({});
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get("location")).toBe("/login?redirectTo=%2Fgraphql");
    const signedIn = await page({ cookie });
    expect(signedIn.status).toBe(200);
    expect(await signedIn.text()).toContain("GraphiQL");
  });

  it("refuses 5,000 aliases", async () => {
    const query = `{ ${Array.from({ length: 5000 }, (_, i) => `a${i}: me { id }`).join(" ")} }`;
    const res = await gql(t.url, query, {}, { cookie });
    expect(res.body.errors?.[0]).toMatchObject({ message: "The query uses 5000 aliases; at most 30 are allowed.", extensions: { code: "TOO_MANY_ALIASES" } });
  });

  it("refuses a batch of operations", async () => {
    const res = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: JSON.stringify(Array.from({ length: 100 }, () => ({ query: ME }))),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });

  it("refuses a 5 MB body without reading it, and keeps serving others", async () => {
    const res = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: JSON.stringify({ query: `{ me { id } } # ${"x".repeat(5 * 1024 * 1024)}` }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ errors: [{ message: "The request body is larger than 256 KiB.", extensions: { code: "BODY_TOO_LARGE" } }] });
    const ok = await gql<{ me: { id: string } }>(t.url, ME, {}, { cookie });
    expect(ok.body.data?.me?.id).toBeTruthy();
  });
});
