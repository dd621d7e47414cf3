import { eq, sql } from "drizzle-orm";
import type { Tx } from "../../../db/client.server";
import { tenants } from "../../../db/schema";
import { audit } from "~/modules/audit/audit.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import type { shanghaiDistricts } from "./schemas";

// A tenant's district (§二.13: sites and schools are placed in one of Shanghai's 16). Tenants have no
// UPDATE grant; set_tenant_district() (SECURITY DEFINER) lets an owner or admin set their own.

export async function tenantDistrict(tx: Tx, ctx: TenantContext) {
  const [row] = await tx.select({ district: tenants.district }).from(tenants).where(eq(tenants.id, ctx.tenant.id));
  return row?.district ?? null;
}

export async function setTenantDistrict(tx: Tx, ctx: TenantContext, district: (typeof shanghaiDistricts)[number]) {
  const before = await tenantDistrict(tx, ctx);
  await tx.execute(sql`select set_tenant_district(${district}::shanghai_district)`);
  await audit(tx, ctx, { action: "tenant.district", entityType: "tenant", entityId: ctx.tenant.id, before: { district: before }, after: { district } });
}
