import { sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../../db/client.server";

// The committee's view of every organization's banks (§二.5 教考分离, §二.6 freshness): how many
// practice and exam questions, cases and materials each certificate level has, and when each bank
// last changed. Exam questions reach the committee as counts only, through question_bank_counts();
// no row of the question bank is readable in the committee's scope (RLS).

/** Whose bank a row counts: the organization and the certificate, named in both languages. */
interface BankOf {
  organizationSlug: string;
  organizationName: string;
  organizationNameEn: string | null;
  certificateCode: string;
  certificateNameZh: string;
  certificateNameEn: string;
}

export interface BankOverviewRow extends BankOf {
  level: string;
  practice: number;
  exam: number;
  cases: number;
  questionsUpdated: string | null;
  casesUpdated: string | null;
}

export interface MaterialsOverviewRow extends BankOf {
  materials: number;
  updated: string;
}

export async function bankOverview(tx: Tx, organization?: string) {
  const rows = rowsOf<BankOverviewRow>(
    await tx.execute(sql`
      with q as (
        select tenant_id, certificate_id, level,
          sum(questions) filter (where pool = 'practice')::int as practice, sum(questions) filter (where pool = 'exam')::int as exam,
          max(last_updated) as updated
        from question_bank_counts() group by 1, 2, 3
      ), k as (
        select tenant_id, certificate_id, level, count(*)::int as cases, max(updated_at) as updated from cases group by 1, 2, 3
      )
      select t.slug as "organizationSlug", t.name as "organizationName", t.name_en as "organizationNameEn",
        c.code as "certificateCode", c.name_zh as "certificateNameZh", c.name_en as "certificateNameEn",
        coalesce(q.level, k.level)::text as level, coalesce(q.practice, 0) as practice, coalesce(q.exam, 0) as exam,
        coalesce(k.cases, 0) as cases, q.updated as "questionsUpdated", k.updated as "casesUpdated"
      from q full join k on k.tenant_id = q.tenant_id and k.certificate_id = q.certificate_id and k.level = q.level
      join tenants t on t.id = coalesce(q.tenant_id, k.tenant_id)
      join certificates c on c.tenant_id = coalesce(q.tenant_id, k.tenant_id) and c.id = coalesce(q.certificate_id, k.certificate_id)
      ${organization ? sql`where t.slug = ${organization}` : sql``}
      order by t.slug, c.code, array_position(array['junior', 'intermediate', 'senior'], coalesce(q.level, k.level)::text)`),
  );
  const materials = rowsOf<MaterialsOverviewRow>(
    await tx.execute(sql`
      select t.slug as "organizationSlug", t.name as "organizationName", t.name_en as "organizationNameEn",
        c.code as "certificateCode", c.name_zh as "certificateNameZh", c.name_en as "certificateNameEn",
        count(*)::int as materials, max(m.updated_at) as updated
      from materials m join tenants t on t.id = m.tenant_id join certificates c on c.tenant_id = m.tenant_id and c.id = m.certificate_id
      ${organization ? sql`where t.slug = ${organization}` : sql``}
      group by 1, 2, 3, 4, 5, 6 order by 1, 4`),
  );
  // The filter names organizations, as the tables do; the slug is only the value sent.
  const organizations = rowsOf<{ slug: string; name: string; nameEn: string | null }>(
    await tx.execute(sql`select slug, name, name_en as "nameEn" from tenants where kind = 'organization' order by name`),
  );
  return { rows, materials, organizations };
}
