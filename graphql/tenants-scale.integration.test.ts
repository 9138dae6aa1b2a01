import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN, gql, seedUsers, signIn, startTestApp, type TestApp } from "../test/app";

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
    const prisma = t.app.services.prisma;
    await prisma.user.createMany({ data: Array.from({ length: OWNERS }, (_, i) => ({ id: `owner-${i}`, email: `owner${i}@example.com`, role: "CLIENT" as const })) });
    const start = Date.UTC(2026, 0, 1);
    for (let chunk = 0; chunk < TENANTS; chunk += 2000) {
      await prisma.tenant.createMany({
        data: Array.from({ length: 2000 }, (_, j) => {
          const i = chunk + j;
          return {
            id: `tenant-${String(i).padStart(5, "0")}`,
            name: `Tenant ${i}`,
            slug: `t${i}`,
            domain: `t${i}.example.com`,
            ownerId: `owner-${i % OWNERS}`,
            status: "ACTIVE" as const,
            mauticImage: "mautic/mautic:5-apache",
            plan: "standard",
            mysqlDatabase: "mautic",
            mysqlUser: "mautic",
            mysqlPasswordEnc: "x",
            mysqlRootPasswordEnc: "x",
            mauticAdminUser: "admin",
            mauticAdminPasswordEnc: "x",
            createdAt: new Date(start + i * 60_000),
          };
        }),
      });
    }
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
    expect(page.edges[0].node).toMatchObject({ id: "tenant-09999", owner: { email: "owner99@example.com" } });
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(first.count - baseline.count, first.sql.join("\n")).toBeLessThanOrEqual(3);

    const second = await counted(PAGE, { after: page.pageInfo.endCursor });
    expect(second.data.tenants.edges[0].node.id).toBe("tenant-09949");
    expect(second.count - baseline.count).toBeLessThanOrEqual(3);
  });
});
