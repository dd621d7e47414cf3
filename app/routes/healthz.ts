import { json } from "@remix-run/node";
import { sql } from "drizzle-orm";
import { getDatabase } from "../../db/client.server";

export async function loader() {
  try {
    const { app } = await getDatabase();
    await app.execute(sql`select 1`);
    return json({ status: "ok", db: "ok" }, { headers: { "Cache-Control": "no-store" } });
  } catch {
    return json({ status: "degraded", db: "unavailable" }, { status: 503, headers: { "Cache-Control": "no-store" } });
  }
}
