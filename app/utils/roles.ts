/** The account roles (shared by loaders, actions and components: not a .server module). */
export type Role = "ADMIN" | "CLIENT";

export const ROLES: readonly Role[] = ["ADMIN", "CLIENT"];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}
