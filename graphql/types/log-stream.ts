import { builder } from "../builder";

export const LogStreamEnum = builder.enumType("LogStream", {
  description: "Which output stream of a container a log line came from.",
  values: {
    STDOUT: { description: "Standard output." },
    STDERR: { description: "Standard error (warnings and errors, usually)." },
  } as const,
});
