import type { TenantHealth } from "../../server/provisioning/health";
import { builder } from "../builder";
import { ServiceHealthRef } from "./service-health";

export const TenantHealthRef = builder.objectRef<TenantHealth & { checkedAt: Date | null }>("TenantHealth").implement({
  description: "A tenant's health as the reconcile loop last saw it.",
  fields: (t) => ({
    overall: t.exposeString("overall", { description: "healthy, starting, degraded, down or stopped." }),
    services: t.field({ type: [ServiceHealthRef], description: "Each service of the tenant's stack.", resolve: (h) => h.services }),
    checkedAt: t.expose("checkedAt", { type: "DateTime", nullable: true, description: "When the reconcile loop last looked." }),
  }),
});
