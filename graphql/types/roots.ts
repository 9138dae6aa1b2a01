import { builder } from "../builder";

builder.queryType({ description: "Read the panel's data. What you see depends on who you are." });
builder.mutationType({ description: "Change the panel's data." });
builder.subscriptionType({ description: "Live updates over WebSocket (graphql-transport-ws) on /graphql." });
