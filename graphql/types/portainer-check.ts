import type { PortainerCheck } from "../../server/provisioning/preflight";
import { builder } from "../builder";
import { PortainerCheckNameEnum } from "./portainer-check-name";

export const PortainerCheckRef = builder.objectRef<PortainerCheck>("PortainerCheck").implement({
  description: "The outcome of one check of `portainerStatus`.",
  fields: (t) => ({
    name: t.expose("name", { type: PortainerCheckNameEnum, description: "What was checked." }),
    ok: t.exposeBoolean("ok", { description: "Whether it passed. A check that could not run (its prerequisite failed) is not ok." }),
    message: t.exposeString("message", { description: "What was found, in words an operator can act on." }),
    hint: t.exposeString("hint", { nullable: true, description: "What to do about a failed check; null when it passed or did not run." }),
  }),
});
