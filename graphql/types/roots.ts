import { builder } from "../builder";

builder.queryType({ description: "Read the panel's data. What you see depends on who you are." });
builder.mutationType({ description: "Change the panel's data." });
