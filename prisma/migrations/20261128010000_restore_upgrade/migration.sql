-- Whether the owning CLIENT may restore backups over their tenant (an ADMIN decides).
-- A plain ADD COLUMN: the table rebuild Prisma would generate copies every tenant row for nothing.
ALTER TABLE "Tenant" ADD COLUMN "clientMayRestore" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "FleetUpgrade" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "mauticImage" TEXT NOT NULL,
    "batchSize" INTEGER NOT NULL,
    "maxFailureRate" REAL NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'RUNNING',
    "statusReason" TEXT,
    "actorType" TEXT NOT NULL DEFAULT 'SYSTEM',
    "actorId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME
);

-- CreateTable
CREATE TABLE "FleetUpgradeItem" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "fleetUpgradeId" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "batch" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "fromImage" TEXT NOT NULL,
    "detail" TEXT,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    CONSTRAINT "FleetUpgradeItem_fleetUpgradeId_fkey" FOREIGN KEY ("fleetUpgradeId") REFERENCES "FleetUpgrade" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "FleetUpgradeItem_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "FleetUpgrade_status_idx" ON "FleetUpgrade"("status");

-- CreateIndex
CREATE INDEX "FleetUpgradeItem_fleetUpgradeId_batch_idx" ON "FleetUpgradeItem"("fleetUpgradeId", "batch");

-- CreateIndex
CREATE INDEX "FleetUpgradeItem_tenantId_idx" ON "FleetUpgradeItem"("tenantId");

