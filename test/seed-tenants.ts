/**
 * Bulk rows for scale tests and benches: `owners` CLIENT accounts (`owner-<n>`) and `count`
 * ACTIVE, healthy tenants (`tenant-<000000>`, one minute apart, the last the newest) spread over
 * them round-robin, written with createMany in chunks. Not a provisioning path: no secrets are
 * real and no stack exists.
 */
import type { PrismaClient } from "../server/db/client";

const CHUNK = 2000;

export const seededTenantId = (i: number) => `tenant-${String(i).padStart(6, "0")}`;

export async function seedTenants(prisma: PrismaClient, options: { count: number; owners: number; domainSuffix?: string }): Promise<void> {
  const { count, owners, domainSuffix = "example.com" } = options;
  await prisma.user.createMany({ data: Array.from({ length: owners }, (_, i) => ({ id: `owner-${i}`, email: `owner${i}@${domainSuffix}`, role: "CLIENT" as const })) });
  const start = Date.now() - count * 60_000;
  const health = JSON.stringify({
    overall: "healthy",
    services: ["mautic_web", "mautic_cron", "mautic_worker", "db"].map((service) => ({ service, running: 1, desired: 1, state: "running", message: null })),
  });
  for (let chunk = 0; chunk < count; chunk += CHUNK) {
    await prisma.tenant.createMany({
      data: Array.from({ length: Math.min(CHUNK, count - chunk) }, (_, j) => {
        const i = chunk + j;
        return {
          id: seededTenantId(i),
          name: `Tenant ${i}`,
          slug: `t${i}`,
          domain: `t${i}.${domainSuffix}`,
          ownerId: `owner-${i % owners}`,
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
          health,
          healthCheckedAt: new Date(),
        };
      }),
    });
  }
}
