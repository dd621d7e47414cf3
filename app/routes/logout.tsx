import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { logout } from "~/modules/auth/service.server";
import { clearSessionCookie } from "~/modules/auth/session.server";
import { withAuthFlow } from "~/modules/tenancy/context.server";

export async function action({ request }: ActionFunctionArgs) {
  return withAuthFlow(request, async (tx, ctx) => {
    await logout(tx, ctx);
    return redirect("/", { headers: { "Set-Cookie": await clearSessionCookie() } });
  });
}

export function loader() {
  return redirect("/");
}
