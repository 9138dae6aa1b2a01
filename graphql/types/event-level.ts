import { builder } from "../builder";

export const EventLevelEnum = builder.enumType("EventLevel", {
  description: "How much an event matters.",
  values: { INFO: { description: "Progress." }, WARN: { description: "Something to look at." }, ERROR: { description: "Something failed." } } as const,
});
