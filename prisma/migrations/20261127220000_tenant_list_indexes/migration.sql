-- DropIndex
DROP INDEX "Tenant_ownerId_idx";

-- CreateIndex
CREATE INDEX "Tenant_createdAt_id_idx" ON "Tenant"("createdAt", "id");

-- CreateIndex
CREATE INDEX "Tenant_ownerId_createdAt_id_idx" ON "Tenant"("ownerId", "createdAt", "id");

