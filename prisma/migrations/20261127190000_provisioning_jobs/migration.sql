-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "type" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "payload" TEXT NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'QUEUED',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 5,
    "runAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseOwner" TEXT,
    "leaseExpiresAt" DATETIME,
    "lastError" TEXT,
    "actorType" TEXT NOT NULL DEFAULT 'SYSTEM',
    "actorId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    CONSTRAINT "Job_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Tenant" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "phase" TEXT,
    "statusReason" TEXT,
    "mauticImage" TEXT NOT NULL,
    "plan" TEXT NOT NULL,
    "mysqlDatabase" TEXT NOT NULL,
    "mysqlUser" TEXT NOT NULL,
    "mysqlPasswordEnc" TEXT NOT NULL,
    "mysqlRootPasswordEnc" TEXT NOT NULL,
    "mauticAdminUser" TEXT NOT NULL,
    "mauticAdminPasswordEnc" TEXT NOT NULL,
    "mailerDsnEnc" TEXT,
    "endpointId" INTEGER,
    "swarmId" TEXT,
    "stackId" INTEGER,
    "stackName" TEXT,
    "nodeId" TEXT,
    "nodeHostname" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "routingEnabled" BOOLEAN NOT NULL DEFAULT false,
    "health" TEXT,
    "healthCheckedAt" DATETIME,
    "deletedAt" DATETIME,
    CONSTRAINT "Tenant_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Tenant" ("createdAt", "deletedAt", "domain", "endpointId", "id", "mailerDsnEnc", "mauticAdminPasswordEnc", "mauticAdminUser", "mauticImage", "mysqlDatabase", "mysqlPasswordEnc", "mysqlRootPasswordEnc", "mysqlUser", "name", "nodeHostname", "nodeId", "ownerId", "phase", "plan", "slug", "stackId", "stackName", "status", "statusReason", "swarmId", "updatedAt") SELECT "createdAt", "deletedAt", "domain", "endpointId", "id", "mailerDsnEnc", "mauticAdminPasswordEnc", "mauticAdminUser", "mauticImage", "mysqlDatabase", "mysqlPasswordEnc", "mysqlRootPasswordEnc", "mysqlUser", "name", "nodeHostname", "nodeId", "ownerId", "phase", "plan", "slug", "stackId", "stackName", "status", "statusReason", "swarmId", "updatedAt" FROM "Tenant";
DROP TABLE "Tenant";
ALTER TABLE "new_Tenant" RENAME TO "Tenant";
CREATE UNIQUE INDEX "Tenant_slug_key" ON "Tenant"("slug");
CREATE UNIQUE INDEX "Tenant_domain_key" ON "Tenant"("domain");
CREATE INDEX "Tenant_ownerId_idx" ON "Tenant"("ownerId");
CREATE INDEX "Tenant_status_idx" ON "Tenant"("status");
CREATE TABLE "new_TenantEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "tenantId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "level" TEXT NOT NULL DEFAULT 'INFO',
    "type" TEXT NOT NULL,
    "phase" TEXT,
    "message" TEXT NOT NULL,
    "data" TEXT,
    "actorType" TEXT NOT NULL DEFAULT 'SYSTEM',
    "actorId" TEXT,
    CONSTRAINT "TenantEvent_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_TenantEvent" ("actorId", "createdAt", "data", "id", "level", "message", "phase", "tenantId", "type") SELECT "actorId", "createdAt", "data", "id", "level", "message", "phase", "tenantId", "type" FROM "TenantEvent";
DROP TABLE "TenantEvent";
ALTER TABLE "new_TenantEvent" RENAME TO "TenantEvent";
CREATE INDEX "TenantEvent_tenantId_id_idx" ON "TenantEvent"("tenantId", "id");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Job_status_runAt_idx" ON "Job"("status", "runAt");

-- CreateIndex
CREATE INDEX "Job_tenantId_status_idx" ON "Job"("tenantId", "status");
