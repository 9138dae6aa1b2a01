/**
 * One Yoga instance per app serves GraphQL over HTTP, and its envelop (`getEnveloped`) runs
 * WebSocket subscriptions and in-process operations, so every transport shares the same
 * context, auth and error masking.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { GraphQLError, type ExecutionResult } from "graphql";
import { renderGraphiQL } from "@graphql-yoga/render-graphiql";
import { createYoga, type YogaServerInstance } from "graphql-yoga";
import { AppError } from "../server/errors";
import type { Logger } from "../server/logger";
import type { Services } from "../server/services";
import { createContext, type GraphQLContext, type Transport } from "./context";
import { useInputErrors } from "./input-errors";
import { useSignedInIntrospection } from "./introspection";
import { useQueryLimits } from "./limits";
import { schema } from "./schema";

export interface ServerContext {
  req: IncomingMessage & { requestId?: string };
  res?: ServerResponse;
  transport?: Transport;
  connectionParams?: Readonly<Record<string, unknown>>;
}

export type GraphQLServer = YogaServerInstance<ServerContext, GraphQLContext>;

export const GRAPHQL_PATH = "/graphql";

export function createGraphQLServer(services: Services): GraphQLServer {
  return createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: GRAPHQL_PATH,
    context: ({ req, res, transport, connectionParams }) =>
      createContext(services, { req, res, transport: transport ?? "http", connectionParams }),
    maskedErrors: { maskError: createMaskError(services.logger) },
    logging: {
      debug: (...args) => services.logger.debug({ args }, "graphql-yoga"),
      info: (...args) => services.logger.info({ args }, "graphql-yoga"),
      warn: (...args) => services.logger.warn({ args }, "graphql-yoga"),
      // Yoga reports client errors (e.g. a 405) here too; truly unexpected errors are logged
      // by maskError at error level.
      error: (...args) => services.logger.warn({ args }, "graphql-yoga"),
    },
    graphiql: { title: "Mautic tenant panel API", subscriptionsProtocol: "WS" },
    // The bundled explorer: it loads nothing from a CDN, so it works on closed networks.
    renderGraphiQL,
    landingPage: false,
    // One operation per request (no batching), bounded depth, aliases and size; introspection
    // for signed-in callers only; malformed text and bad cursors are the caller's mistake, not ours.
    batching: false,
    plugins: [useQueryLimits(), useSignedInIntrospection(), useInputErrors()],
  });
}

/**
 * AppErrors keep their message and gain `extensions.code`; GraphQL's own errors (syntax,
 * validation) pass through; anything else becomes "Unexpected error." and is logged.
 */
function createMaskError(logger: Logger) {
  return (error: unknown, message: string): Error => {
    // NOTE: duck-typed on purpose: graphql ships CJS and ESM builds, and a GraphQLError made by
    // one is not an `instanceof` of the other's class (the dual-package hazard).
    const graphqlError = isGraphQLError(error) ? error : null;
    const original = graphqlError ? graphqlError.originalError : error;
    if (original instanceof AppError) {
      return new GraphQLError(original.message, {
        nodes: graphqlError?.nodes,
        path: graphqlError?.path,
        extensions: { code: original.code },
      });
    }
    if (graphqlError && (!original || isGraphQLError(original))) return graphqlError;
    logger.error({ err: original, path: graphqlError?.path }, "unexpected error in a GraphQL operation");
    return new GraphQLError(message, {
      nodes: graphqlError?.nodes,
      path: graphqlError?.path,
      extensions: { code: "INTERNAL" },
    });
  };
}

function isGraphQLError(value: unknown): value is GraphQLError {
  return value instanceof Error && value.name === "GraphQLError";
}

/** A GraphQL document with the types of its result and variables (written next to its user). */
export interface Operation<TData, TVariables extends Record<string, unknown> = Record<string, never>> {
  readonly source: string;
  readonly __types?: { data: TData; variables: TVariables };
}

export interface OperationOutcome<TData> {
  data: TData | null;
  errors: readonly GraphQLError[];
  /** Set-Cookie values the operation asked for (e.g. after login). */
  cookies: string[];
}

/**
 * Runs an operation in-process with the same envelop as HTTP, for Remix loaders/actions and
 * REST routes: `req` is the incoming HTTP request (for the session cookie and client IP).
 */
export async function executeOperation<TData, TVariables extends Record<string, unknown>>(
  graphql: GraphQLServer,
  req: ServerContext["req"],
  operation: Operation<TData, TVariables>,
  variables?: TVariables,
): Promise<OperationOutcome<TData>> {
  const { parse, validate, contextFactory, execute, schema: envelopedSchema } = graphql.getEnveloped({
    req,
    transport: "in-process",
  });
  const document = parse(operation.source);
  const validationErrors = validate(envelopedSchema, document);
  if (validationErrors.length > 0) {
    // A broken document in our own code is a bug, not user input.
    throw new Error(`Invalid in-process GraphQL operation: ${validationErrors.map((e: { message: string }) => e.message).join("; ")}`);
  }
  const contextValue = (await contextFactory()) as GraphQLContext;
  const result = (await execute({
    schema: envelopedSchema,
    document,
    variableValues: variables ?? {},
    contextValue,
  })) as ExecutionResult<TData>;
  return {
    data: (result.data as TData | null | undefined) ?? null,
    errors: (result.errors ?? []) as readonly GraphQLError[],
    cookies: [...contextValue.responseCookies],
  };
}
