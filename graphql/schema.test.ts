import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { printSchemaSdl } from "./schema";

describe("graphql/schema.graphql", () => {
  it("is the printed schema (run `npm run schema:print` after changing a type)", () => {
    expect(fs.readFileSync("graphql/schema.graphql", "utf8")).toBe(printSchemaSdl());
  });
});
