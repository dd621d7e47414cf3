import { eq } from "drizzle-orm";
import type { Tx } from "../client.server";
import { committeeSettings, tenants, users } from "../schema";
import { audit } from "../../app/modules/audit/audit.server";
import { criteria, defaultWeights, type Criterion } from "../../app/modules/evaluations/criteria";
import { shanghaiDate } from "../../app/ui/format";
import { seedActor } from "./actor";
import { seedScope } from "./scope";

// The committee's settings history (issue 17, item 11): one change of the bank staleness threshold
// by the secretary, so the settings page shows a history beyond the defaults, and a change of the
// evaluation weights scheduled for the first day of next month (decision 055), which the page lists
// as scheduled and the secretary may withdraw until then.
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

  const today = shanghaiDate();
  const [year, month] = today.split("-").map(Number);
  const nextMonth = `${month === 12 ? year + 1 : year}-${String((month % 12) + 1).padStart(2, "0")}-01`;
  const weights: Record<Criterion, number> = { ...defaultWeights, integrity: 25, no_violation: 20, certificate_quality: 20, industry_recognition: 10 };
  const reason = "加重诚信与违规记录的权重（专委会会议决定）";
  const scheduled = await tx
    .insert(committeeSettings)
    .values(
      criteria.map((c) => ({
        key: `weight_${c}` as const,
        value: weights[c],
        reason,
        setByUserId: secretary?.id ?? null,
        effectiveFrom: new Date(`${nextMonth}T00:00:00+08:00`),
      })),
    )
    .returning({ id: committeeSettings.id });
  await audit(tx, seedActor(committee), {
    action: "committee.evaluation_weights",
    entityType: "committee_setting",
    entityId: scheduled[0].id,
    before: defaultWeights,
    after: { ...weights, effectiveFrom: `${nextMonth}T00:00:00+08:00`, reason },
  });
}
