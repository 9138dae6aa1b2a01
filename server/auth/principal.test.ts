import { describe, expect, it } from "vitest";
import { canSeeTenant, tenantScope, type Principal } from "./principal";

const user = (role: "ADMIN" | "CLIENT", id = "u1") => ({ id, email: `${id}@example.com`, role });
const mine = { id: "t1", ownerId: "u1" };
const theirs = { id: "t2", ownerId: "u2" };

describe("tenant visibility", () => {
  const cases: [string, Principal, boolean, boolean][] = [
    ["ADMIN session", { user: user("ADMIN"), accountRole: "ADMIN", token: null }, true, true],
    ["CLIENT session", { user: user("CLIENT"), accountRole: "CLIENT", token: null }, true, false],
    ["CLIENT token limited to t2 (not theirs)", { user: user("CLIENT"), accountRole: "CLIENT", token: { id: "k", name: "k", tenantIds: ["t2"] } }, false, false],
    ["ADMIN's CLIENT token for t2", { user: user("CLIENT"), accountRole: "ADMIN", token: { id: "k", name: "k", tenantIds: ["t2"] } }, false, true],
    ["ADMIN acting as CLIENT without a list", { user: user("CLIENT"), accountRole: "ADMIN", token: { id: "k", name: "k", tenantIds: null } }, false, false],
  ];
  it.each(cases)("%s", (_name, principal, seesMine, seesTheirs) => {
    expect(canSeeTenant(principal, mine)).toBe(seesMine);
    expect(canSeeTenant(principal, theirs)).toBe(seesTheirs);
  });

  it("keeps a caller's own id condition next to the token's limit", () => {
    const scope = tenantScope({ user: user("CLIENT"), accountRole: "ADMIN", token: { id: "k", name: "k", tenantIds: ["t2"] } });
    expect({ id: "t1", ...scope }).toEqual({ id: "t1", AND: [{ id: { in: ["t2"] } }] });
  });
});
