/**
 * Signing in and out from Remix routes, through the same GraphQL operations integrators use
 * (executed in-process via the load context).
 */
import { data, redirect, type AppLoadContext } from "@remix-run/node";
import type { Operation } from "../../graphql/yoga";

export interface CurrentUser {
  id: string;
  email: string;
  role: "ADMIN" | "CLIENT";
  createdAt: string;
}

const USER_FIELDS = "id email role createdAt";

const MeQuery: Operation<{ me: CurrentUser | null }> = {
  source: /* GraphQL */ `query UiMe { me { ${USER_FIELDS} } }`,
};

export type LoginResult =
  | { __typename: "MutationLoginSuccess"; data: CurrentUser }
  | { __typename: "ValidationError"; message: string; fieldErrors: { field: string; message: string }[] }
  | { __typename: "InvalidCredentialsError"; message: string }
  | { __typename: "TooManyAttemptsError"; message: string; retryAfterSeconds: number };

const LoginMutation: Operation<{ login: LoginResult }, { email: string; password: string }> = {
  source: /* GraphQL */ `
    mutation UiLogin($email: String!, $password: String!) {
      login(email: $email, password: $password) {
        __typename
        ... on MutationLoginSuccess { data { ${USER_FIELDS} } }
        ... on Error { message }
        ... on ValidationError { fieldErrors { field message } }
        ... on TooManyAttemptsError { retryAfterSeconds }
      }
    }
  `,
};

const LogoutMutation: Operation<{ logout: boolean }> = {
  source: /* GraphQL */ `mutation UiLogout { logout }`,
};

/** The signed-in user, or null. */
export async function getUser(context: AppLoadContext): Promise<CurrentUser | null> {
  const outcome = await context.graphql.execute(MeQuery);
  if (outcome.errors.length > 0) throw outcome.errors[0];
  return outcome.data?.me ?? null;
}

/** The signed-in user; otherwise a redirect to the sign-in page that comes back here. */
export async function requireUser(request: Request, context: AppLoadContext): Promise<CurrentUser> {
  const user = await getUser(context);
  if (!user) {
    const url = new URL(request.url);
    const back = `${url.pathname}${url.search}`;
    throw redirect(back === "/" ? "/login" : `/login?${new URLSearchParams({ redirectTo: back })}`);
  }
  return user;
}

/** The signed-in ADMIN; a sign-in redirect when signed out, 403 for a CLIENT. */
export async function requireAdmin(request: Request, context: AppLoadContext): Promise<CurrentUser> {
  const user = await requireUser(request, context);
  if (user.role !== "ADMIN") throw data("Only administrators may open this page.", { status: 403 });
  return user;
}

export async function login(
  context: AppLoadContext,
  credentials: { email: string; password: string },
): Promise<{ result: LoginResult; headers: Headers }> {
  const outcome = await context.graphql.execute(LoginMutation, credentials);
  if (outcome.errors.length > 0 || !outcome.data) throw outcome.errors[0] ?? new Error("login returned no data");
  return { result: outcome.data.login, headers: cookieHeaders(outcome.cookies) };
}

export async function logout(context: AppLoadContext): Promise<Headers> {
  const outcome = await context.graphql.execute(LogoutMutation);
  if (outcome.errors.length > 0) throw outcome.errors[0];
  return cookieHeaders(outcome.cookies);
}

function cookieHeaders(cookies: string[]): Headers {
  const headers = new Headers();
  for (const cookie of cookies) headers.append("Set-Cookie", cookie);
  return headers;
}

/** Only same-site paths: never `//host` or a scheme, so a link cannot send users elsewhere. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = "/dashboard"): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  return to;
}
