import type { ServiceHealth } from "../../server/provisioning/health";
import { builder } from "../builder";

export const ServiceHealthRef = builder.objectRef<ServiceHealth>("ServiceHealth").implement({
  description: "How one service of a tenant's stack is doing.",
  fields: (t) => ({
    service: t.exposeString("service", { description: "e.g. `mautic_web`." }),
    running: t.exposeInt("running"),
    desired: t.exposeInt("desired"),
    state: t.exposeString("state", { description: "running, starting, crash-looping, image-failure, unschedulable, failed, complete, stopped or missing." }),
    message: t.exposeString("message", { nullable: true, description: "Swarm's words for the problem." }),
  }),
});
