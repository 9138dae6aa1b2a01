import type { ServiceHealth } from "../../server/provisioning/health";
import { builder } from "../builder";

export const ServiceHealthRef = builder.objectRef<ServiceHealth>("ServiceHealth").implement({
  description: "How one service of a tenant's stack is doing.",
  fields: (t) => ({
    service: t.exposeString("service", { description: "e.g. `mautic_web`." }),
    running: t.exposeInt("running", { description: "Tasks running now." }),
    desired: t.exposeInt("desired", { description: "Tasks Swarm should be running (0 for a completed job or a stopped stack)." }),
    state: t.exposeString("state", { description: "running, starting, crash-looping, image-failure, unschedulable, failed, complete, stopped or missing." }),
    message: t.exposeString("message", { nullable: true, description: "Swarm's words for the problem." }),
  }),
});
