import { sql } from "drizzle-orm";
import type { z } from "zod";
import { rowsOf, type Tx } from "../../../db/client.server";
import type { findingFilterSchema, FindingType } from "./findings";

// The committee's fee audit (§二.10, §二.14), computed from the data on every request: nothing a
// tenant writes can hide a finding, and a cap lowered later makes older disclosures findings too.

export interface Finding {
  key: string;
  type: FindingType;
  organizationSlug: string;
  organizationName: string;
  organizationNameEn: string | null;
  entityId: string;
  /** The disclosure (for disclosure findings) or order (for order findings) the finding is about. */
  entityType: "fee_disclosure" | "assessment_order";
  reference: string;
  at: string;
  /** Amounts in fen: what was charged or disclosed, and what the rule allows or expects. */
  actualFen: number | null;
  expectedFen: number | null;
  /** Days of notice given and required, for late_notice. */
  noticeGiven: number | null;
  noticeRequired: number | null;
}

const findingsSql = sql`
  with d as (
    select d.*, (d.published_at at time zone 'Asia/Shanghai')::date as published_day,
      exists (select 1 from fee_disclosure_withdrawals w where w.tenant_id = d.tenant_id and w.disclosure_id = d.id) as withdrawn
    from fee_disclosures d where d.status = 'published'
  ),
  late as (
    select 'late_notice'::text as type, d.tenant_id, d.id as entity_id, 'fee_disclosure'::text as entity_type,
      d.published_at as at, d.amount_fen as actual, null::bigint as expected,
      (d.effective_from - d.published_day) as notice_given, notice_days_at(d.published_at) as notice_required,
      d.effective_from::text as reference
    from d where d.effective_from - d.published_day < notice_days_at(d.published_at)
  ),
  caps as (
    -- The cap in force now applies to a fee still charged or announced, not to one a newer
    -- disclosure has already replaced (it ended within the caps of its time).
    select d.*, cost_cap_at(d.tenant_id, d.certificate_id, d.level, d.published_at) as cap_then,
      case when not d.withdrawn and (d.effective_until is null or d.effective_until > (now() at time zone 'Asia/Shanghai')::date)
                and (d.effective_from > (now() at time zone 'Asia/Shanghai')::date
                     or exists (select 1 from fee_in_force(d.tenant_id, d.certificate_id, d.level, 'assessment', (now() at time zone 'Asia/Shanghai')::date) f
                                where f.id = d.id))
           then cost_cap_at(d.tenant_id, d.certificate_id, d.level, now()) end as cap_now
    from d where d.kind = 'assessment'
  ),
  over_cap as (
    select 'over_cap', c.tenant_id, c.id, 'fee_disclosure', c.published_at, c.amount_fen,
      least(coalesce(c.cap_then, c.cap_now), coalesce(c.cap_now, c.cap_then)), null::int, null::int, c.effective_from::text
    from caps c where c.amount_fen > c.cap_then or c.amount_fen > c.cap_now
  ),
  o as (
    select o.*, f.id as fee_id, f.amount_fen as fee_amount,
      (select coalesce(sum(p.amount_fen), 0) from payments p where p.tenant_id = o.tenant_id and p.order_id = o.id and p.status = 'succeeded') as paid
    from assessment_orders o
    left join lateral fee_in_force(o.tenant_id, o.certificate_id, o.level, 'assessment', o.order_date) f on true
  ),
  price as (
    select 'order_price_mismatch', o.tenant_id, o.id, 'assessment_order', o.created_at, o.unit_price_fen, o.fee_amount,
      null::int, null::int, o.number
    from o where o.fee_id is not null and (o.unit_price_fen <> o.fee_amount or o.disclosure_id is distinct from o.fee_id)
  ),
  paid as (
    select 'payment_mismatch', o.tenant_id, o.id, 'assessment_order', o.created_at, o.paid, o.total_fen, null::int, null::int, o.number
    from o where o.paid > 0 and o.paid <> o.total_fen
  ),
  undisclosed as (
    select 'no_disclosure', o.tenant_id, o.id, 'assessment_order', o.created_at, o.unit_price_fen, null::bigint, null::int, null::int, o.number
    from o where o.fee_id is null and o.status <> 'cancelled'
  )
  select f.type || ':' || f.entity_id as key, f.type, t.slug as "organizationSlug", t.name as "organizationName",
    t.name_en as "organizationNameEn", f.entity_id as "entityId", f.entity_type as "entityType", f.reference,
    f.at, f.actual as "actualFen", f.expected as "expectedFen", f.notice_given as "noticeGiven", f.notice_required as "noticeRequired"
  from (select * from late union all select * from over_cap union all select * from price
        union all select * from paid union all select * from undisclosed)
    as f(type, tenant_id, entity_id, entity_type, at, actual, expected, notice_given, notice_required, reference)
  join tenants t on t.id = f.tenant_id`;

export async function feeFindings(tx: Tx, filter: z.infer<typeof findingFilterSchema> & { entityId?: string } = {}): Promise<Finding[]> {
  const order =
    filter.sort === "organization" ? sql`"organizationSlug", at desc` : filter.sort === "type" ? sql`type, at desc` : sql`at desc, "organizationSlug"`;
  const rows = rowsOf<Finding>(
    await tx.execute(sql`
      select * from (${findingsSql}) f
      where true
        ${filter.organization ? sql`and "organizationSlug" = ${filter.organization}` : sql``}
        ${filter.type ? sql`and type = ${filter.type}` : sql``}
        ${filter.entityId ? sql`and "entityId" = ${filter.entityId}::uuid` : sql``}
      order by ${order}`),
  );
  return rows.map((row) => ({
    ...row,
    at: new Date(row.at).toISOString(),
    actualFen: row.actualFen === null ? null : Number(row.actualFen),
    expectedFen: row.expectedFen === null ? null : Number(row.expectedFen),
    noticeGiven: row.noticeGiven === null ? null : Number(row.noticeGiven),
    noticeRequired: row.noticeRequired === null ? null : Number(row.noticeRequired),
  }));
}

export function countsByOrganization(findings: Finding[]) {
  const counts = new Map<string, { slug: string; name: string; nameEn: string | null; total: number; byType: Partial<Record<FindingType, number>> }>();
  for (const finding of findings) {
    const entry = counts.get(finding.organizationSlug) ?? {
      slug: finding.organizationSlug,
      name: finding.organizationName,
      nameEn: finding.organizationNameEn,
      total: 0,
      byType: {},
    };
    entry.total++;
    entry.byType[finding.type] = (entry.byType[finding.type] ?? 0) + 1;
    counts.set(finding.organizationSlug, entry);
  }
  return [...counts.values()].sort((a, b) => b.total - a.total || a.slug.localeCompare(b.slug));
}

/** Where the evidence is: the public history of a disclosure, or the order itself. */
export function evidenceLink(finding: Finding) {
  return finding.entityType === "fee_disclosure" ? `/fees/${finding.entityId}` : `/committee/orders/${finding.entityId}`;
}
