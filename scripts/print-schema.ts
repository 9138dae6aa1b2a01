// Writes graphql/schema.graphql from the Pothos schema. A test fails when the file is stale.
import fs from "node:fs";
import { printSchemaSdl } from "../graphql/schema";

fs.writeFileSync("graphql/schema.graphql", printSchemaSdl());
console.log("wrote graphql/schema.graphql");
