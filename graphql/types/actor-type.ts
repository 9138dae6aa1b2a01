import { builder } from "../builder";

export const ActorTypeEnum = builder.enumType("ActorType", {
  description: "Who caused something: a person, an API token, the panel itself, or nobody signed in.",
  values: {
    USER: { description: "A signed-in person (through the UI, REST or GraphQL with a session)." },
    TOKEN: { description: "An integrator's API token (acting for the account that created it)." },
    SYSTEM: { description: "The panel itself: the provisioning worker or the reconcile loop." },
    ANONYMOUS: { description: "Nobody signed in: a failed sign-in, or a set-password link being used." },
  } as const,
});
