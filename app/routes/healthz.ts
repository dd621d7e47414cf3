import { json } from "@remix-run/node";
import { pingDatabase } from "~/modules/tenancy/context.server";

export async function loader() {
  if (await pingDatabase()) return json({ status: "ok", db: "ok" }, { headers: { "Cache-Control": "no-store" } });
  return json({ status: "degraded", db: "unavailable" }, { status: 503, headers: { "Cache-Control": "no-store" } });
}
