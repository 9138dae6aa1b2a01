import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { getUser } from "../utils/auth.server";

export async function loader({ context }: LoaderFunctionArgs) {
  throw redirect((await getUser(context)) ? "/dashboard" : "/login");
}
