import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, gql, seedUsers, signIn, startTestApp, type TestApp } from "../test/app";
import { seedTenants, seededTenantId } from "../test/seed-tenants";

type Data = Record<string, any>;

const TENANTS = 10_000;
const OWNERS = 100;

const PAGE = /* GraphQL */ `
  query Page($after: String) {
    tenants(first: 50, after: $after) {
      edges { cursor node { id name domain url status phase lastError plan mauticImage createdAt health { checkedAt } owner { id email role } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

describe("tenants(first: 50) over 10,000 tenants", () => {
  let t: TestApp;
  let admin: string;
  let recording = false;
  const statements: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({}, { worker: false, onQuery: (sql) => recording && statements.push(sql) });
    await seedUsers(t.app);
    await seedTenants(t.app.services.prisma, { count: TENANTS, owners: OWNERS });
    admin = await signIn(t.url, ADMIN);
  }, 120_000);
  afterAll(() => t.close());

  async function counted(query: string, variables: Data = {}) {
    statements.length = 0;
    recording = true;
    const res = await gql<Data>(t.url, query, variables, { cookie: admin });
    recording = false;
    expect(res.body.errors).toBeUndefined();
    return { data: res.body.data!, count: statements.length, sql: [...statements] };
  }

  it("pages newest first with owners in at most 3 SQL statements beyond authentication", async () => {
    const baseline = await counted("{ __typename }");
    const first = await counted(PAGE);
    const page = first.data.tenants;
    expect(page.edges).toHaveLength(50);
    expect(page.edges[0].node).toMatchObject({ id: seededTenantId(9999), owner: { email: "owner99@example.com" } });
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(first.count - baseline.count, first.sql.join("\n")).toBeLessThanOrEqual(3);

    const second = await counted(PAGE, { after: page.pageInfo.endCursor });
    expect(second.data.tenants.edges[0].node.id).toBe(seededTenantId(9949));
    expect(second.count - baseline.count).toBeLessThanOrEqual(3);
  });
});
