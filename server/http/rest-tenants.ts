/**
 * The original description's tenant endpoints, as thin REST over the same GraphQL operations:
 *
 *   GET  /api/tenants           → 200 {tenants: [...]}   (ADMIN: all; CLIENT: their own)
 *   POST /api/tenants           → 201 {tenant}           (ADMIN; body as CreateTenantInput; with a new
 *                                                         owner e-mail also ownerSetPasswordUrl and
 *                                                         ownerSetPasswordExpiresAt, the owner's invitation)
 *   GET  /api/tenants/:id       → 200 {tenant} | 404
 */
import express, { type Response, type Router } from "express";
import type { GraphQLError } from "graphql";
import { executeOperation, type GraphQLServer, type Operation } from "../../graphql/yoga";
import type { AppErrorCode } from "../errors";

const TENANT_FIELDS = "id name slug domain url status phase lastError mauticImage plan createdAt updatedAt owner { id email }";

type Tenant = Record<string, unknown>;
type Failure = { __typename: string; code: AppErrorCode; message: string; fieldErrors?: unknown; field?: string };

const List: Operation<{ tenants: { edges: { node: Tenant }[] } }, { first: number; after?: string | null; search?: string | null }> = {
  source: /* GraphQL */ `query RestTenants($first: Int!, $after: String, $search: String) {
    tenants(first: $first, after: $after, search: $search) { edges { node { ${TENANT_FIELDS} } } }
  }`,
};
const One: Operation<{ tenant: Failure | { __typename: "QueryTenantSuccess"; data: Tenant } }, { id: string }> = {
  source: /* GraphQL */ `query RestTenant($id: ID!) {
    tenant(id: $id) { __typename ... on QueryTenantSuccess { data { ${TENANT_FIELDS} } } ... on Error { code message } }
  }`,
};
type Created = { __typename: "MutationCreateTenantSuccess"; data: Tenant; ownerSetPasswordUrl: string | null; ownerSetPasswordExpiresAt: string | null };
const Create: Operation<{ createTenant: Failure | Created }, { input: Record<string, unknown> }> = {
  source: /* GraphQL */ `mutation RestCreateTenant($input: CreateTenantInput!) {
    createTenant(input: $input) {
      __typename
      ... on MutationCreateTenantSuccess { data { ${TENANT_FIELDS} } ownerSetPasswordUrl ownerSetPasswordExpiresAt }
      ... on Error { code message }
      ... on ValidationError { fieldErrors { field message } }
      ... on ConflictError { field }
    }
  }`,
};

const STATUS: Partial<Record<AppErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  NOT_AUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
};

const INPUT_FIELDS = ["name", "slug", "domain", "ownerId", "ownerEmail", "mauticImage", "plan", "mailerDsn"] as const;

export function createTenantRestRouter(graphql: GraphQLServer): Router {
  const router = express.Router();

  router.get("/", async (req, res, next) => {
    try {
      const first = Math.min(Math.max(Number(req.query.limit ?? 50) || 50, 1), 200);
      const after = typeof req.query.after === "string" ? req.query.after : null;
      const search = typeof req.query.search === "string" ? req.query.search : null;
      const outcome = await executeOperation(graphql, req, List, { first, after, search });
      if (failedWithCode(res, outcome.errors)) return;
      res.json({ tenants: outcome.data!.tenants.edges.map((e) => e.node) });
    } catch (error) {
      next(error);
    }
  });

  router.get("/:id", async (req, res, next) => {
    try {
      const outcome = await executeOperation(graphql, req, One, { id: req.params.id! });
      if (failedWithCode(res, outcome.errors)) return;
      const result = outcome.data!.tenant;
      if (result.__typename === "QueryTenantSuccess") return void res.json({ tenant: (result as { data: Tenant }).data });
      sendFailure(res, result as Failure);
    } catch (error) {
      next(error);
    }
  });

  router.post("/", express.json({ limit: "32kb" }), async (req, res, next) => {
    try {
      if (!req.is("application/json")) {
        return void res.status(415).json({ error: { code: "VALIDATION_FAILED", message: "Send the tenant as JSON (Content-Type: application/json)." } });
      }
      const body = (req.body ?? {}) as Record<string, unknown>;
      const input: Record<string, unknown> = {};
      const wrongTypes = INPUT_FIELDS.filter((key) => body[key] !== undefined && body[key] !== null && typeof body[key] !== "string");
      if (wrongTypes.length > 0) {
        return void res.status(400).json({
          error: { code: "VALIDATION_FAILED", message: "Some fields are not strings.", fieldErrors: wrongTypes.map((field) => ({ field, message: `${field} must be a string` })) },
        });
      }
      for (const key of INPUT_FIELDS) if (typeof body[key] === "string") input[key] = body[key];
      input.name ??= "";
      input.domain ??= "";
      const outcome = await executeOperation(graphql, req, Create, { input });
      if (failedWithCode(res, outcome.errors)) return;
      const result = outcome.data!.createTenant;
      if (result.__typename === "MutationCreateTenantSuccess") {
        const { data, ownerSetPasswordUrl, ownerSetPasswordExpiresAt } = result as Created;
        return void res.status(201).json({ tenant: data, ...(ownerSetPasswordUrl ? { ownerSetPasswordUrl, ownerSetPasswordExpiresAt } : {}) });
      }
      sendFailure(res, result as Failure);
    } catch (error) {
      next(error);
    }
  });

  return router;
}

/** Answers a GraphQL-level refusal (signed out, forbidden) with its status; true when it did. */
function failedWithCode(res: Response, errors: readonly GraphQLError[]): boolean {
  const first = errors[0];
  if (!first) return false;
  const code = first.extensions?.code as AppErrorCode | undefined;
  const status = code ? STATUS[code] : undefined;
  if (!status) throw first;
  res.status(status).json({ error: { code, message: first.message } });
  return true;
}

function sendFailure(res: Response, failure: Failure): void {
  const { __typename: _type, ...error } = failure;
  res.status(STATUS[failure.code] ?? 400).json({ error });
}

