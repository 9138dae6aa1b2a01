/**
 * Every mutation is audited: after the schema is built, each Mutation field's resolver is
 * wrapped (outside scope-auth and the errors plugin), so a refused, failed or successful call
 * is recorded alike, and a new mutation cannot be added without being recorded. A field may
 * say what it acts on with `extensions: { audit: auditTarget(...) }`; by default the target is
 * its `id` argument, typed after the field name's suffix (createTenant → Tenant).
 */
import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from "graphql";
import { redactArguments } from "../server/audit/audit-log";
import { APP_ERROR_CODES, AppError } from "../server/errors";
import type { GraphQLContext } from "./context";

export interface AuditTarget {
  type: string | null;
  id: string | null;
  tenantId?: string | null;
}

export type AuditSpec = (args: Record<string, unknown>, data: unknown) => Partial<AuditTarget>;

/** Field extensions naming what a mutation acts on. */
export function auditTarget(spec: AuditSpec): { audit: AuditSpec } {
  return { audit: spec };
}

const TYPE_SUFFIX = /(Tenant|User|ApiToken|Password|Credentials)s?$/;

function defaultTarget(fieldName: string, args: Record<string, unknown>, data: unknown): AuditTarget {
  const type = TYPE_SUFFIX.exec(fieldName)?.[1] ?? null;
  const fromArgs = typeof args.id === "string" ? args.id : null;
  const fromData = data && typeof data === "object" && "id" in data && typeof data.id === "string" ? data.id : null;
  return { type: type === "Credentials" ? "Tenant" : type, id: fromArgs ?? fromData };
}

/**
 * An AppError returned as a typed result. The errors plugin hands it back wrapped in a Proxy
 * whose prototype is not the error's, so `instanceof` cannot be trusted: look at its code.
 */
function returnedError(value: unknown): { code: string; message: string } | null {
  if (value instanceof AppError) return value;
  if (!value || typeof value !== "object" || !("code" in value) || !("message" in value)) return null;
  const { code, message } = value as { code: unknown; message: unknown };
  return typeof code === "string" && (APP_ERROR_CODES as readonly string[]).includes(code) && typeof message === "string" ? { code, message } : null;
}

function outcomeOf(value: unknown, thrown: unknown): { result: string; message: string | null } {
  const returned = thrown ? null : returnedError(value);
  if (returned) return { result: returned.code, message: returned.message };
  const error = thrown;
  if (!error) return { result: "OK", message: null };
  if (error instanceof AppError) return { result: error.code, message: error.message };
  const original = (error as { originalError?: unknown }).originalError;
  if (original instanceof AppError) return { result: original.code, message: original.message };
  return { result: "INTERNAL", message: null };
}

export function auditMutations(schema: GraphQLSchema): void {
  const mutation = schema.getMutationType();
  if (!mutation) return;
  for (const field of Object.values(mutation.getFields())) {
    const resolve: GraphQLFieldResolver<unknown, GraphQLContext> = field.resolve ?? defaultFieldResolver;
    const spec = field.extensions?.audit as AuditSpec | undefined;
    field.resolve = async (source, args: Record<string, unknown>, context: GraphQLContext, info) => {
      let value: unknown;
      let thrown: unknown;
      try {
        value = await resolve(source, args, context, info);
      } catch (error) {
        thrown = error;
      }
      const data = returnedError(value) ? null : value;
      const target = { ...defaultTarget(field.name, args, data), ...safely(() => spec?.(args, data)) };
      const { result, message } = outcomeOf(value, thrown);
      const principal = context.principal;
      await context.services.audit.record({
        actorType: principal ? (principal.token ? "TOKEN" : "USER") : "ANONYMOUS",
        actorId: principal?.user.id ?? null,
        tokenId: principal?.token?.id ?? null,
        actorLabel: principal
          ? principal.token
            ? `${principal.user.email} (token “${principal.token.name}”)`
            : principal.user.email
          : typeof args.email === "string"
            ? args.email.slice(0, 200)
            : null,
        action: field.name,
        targetType: target.type ?? null,
        targetId: target.id ?? null,
        tenantId: target.tenantId ?? (target.type === "Tenant" ? (target.id ?? null) : null),
        ip: context.client.ip,
        result,
        detail: { arguments: redactArguments(args), ...(message ? { message } : {}), transport: context.transport, requestId: context.requestId },
      });
      if (thrown) throw thrown;
      return value;
    };
  }
}

function safely(spec: () => Partial<AuditTarget> | undefined): Partial<AuditTarget> {
  try {
    return spec() ?? {};
  } catch {
    return {};
  }
}
