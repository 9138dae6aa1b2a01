import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { logout } from "../utils/auth.server";

export async function loader() {
  // Signing out changes state, so it is a POST (a link or a prefetch must not sign anyone out).
  throw redirect("/");
}

export async function action({ context }: ActionFunctionArgs) {
  const headers = await logout(context);
  throw redirect("/login", { headers });
}
