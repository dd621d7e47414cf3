import { eq } from "drizzle-orm";
import type { Tx } from "../client.server";
import { committeeSettings, tenants, users } from "../schema";
import { audit } from "../../app/modules/audit/audit.server";
import { seedActor } from "./actor";
import { seedScope } from "./scope";

// The committee's settings history (issue 17, item 11): one change of the bank staleness threshold
// by the secretary, so the settings page shows a history beyond the defaults.
export async function seedCommittee(tx: Tx, tenantIds: Map<string, string>) {
  const committee = tenantIds.get("committee") ?? (await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.kind, "committee")))[0]?.id;
  if (!committee) return;
  await seedScope(tx, { tenantId: committee, tenantKind: "committee", role: "system" });
  const [secretary] = await tx.select({ id: users.id }).from(users).where(eq(users.email, "committee@demo.xcert.test"));
  const [row] = await tx
    .insert(committeeSettings)
    .values({
      key: "bank_staleness_days",
      value: 120,
      reason: "资源库每学期至少更新一次",
      setByUserId: secretary?.id ?? null,
      effectiveFrom: new Date(Date.now() - 30 * 86_400_000),
    })
    .returning();
  await audit(tx, seedActor(committee), { action: "committee.setting", entityType: "committee_setting", entityId: row.id, after: row });
}
