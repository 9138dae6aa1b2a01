/** The audit log for the Remix routes (ADMIN). */
import type { AppLoadContext } from "@remix-run/node";
import type { Operation } from "../../graphql/yoga";
import { run } from "./graphql.server";

export interface AuditRow {
  id: string;
  createdAt: string;
  actorType: "USER" | "TOKEN" | "SYSTEM" | "ANONYMOUS";
  actorId: string | null;
  actorLabel: string | null;
  tokenId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  tenantId: string | null;
  ip: string | null;
  ok: boolean;
  result: string;
  detail: string | null;
}

export interface AuditFilter {
  action: string | null;
  actorId: string | null;
  tenantId: string | null;
  failedOnly: boolean;
  after: string | null;
}

export const AUDIT_PAGE_SIZE = 50;

const AuditLog: Operation<
  { auditLog: { edges: { node: AuditRow }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } },
  { first: number; after: string | null; action: string | null; actorId: string | null; tenantId: string | null; failedOnly: boolean }
> = {
  source: /* GraphQL */ `query UiAuditLog($first: Int!, $after: String, $action: String, $actorId: ID, $tenantId: ID, $failedOnly: Boolean) {
    auditLog(first: $first, after: $after, action: $action, actorId: $actorId, tenantId: $tenantId, failedOnly: $failedOnly) {
      edges { node { id createdAt actorType actorId actorLabel tokenId action targetType targetId tenantId ip ok result detail } }
      pageInfo { hasNextPage endCursor }
    }
  }`,
};

export async function listAudit(context: AppLoadContext, filter: AuditFilter) {
  return (await run(context, AuditLog, { first: AUDIT_PAGE_SIZE, ...filter })).auditLog;
}
