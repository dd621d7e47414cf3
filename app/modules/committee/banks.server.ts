import { sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../../db/client.server";
import { isSlug } from "~/ui/ids";
import { bankLevelsSql } from "./bank-levels.server";
import { settingAt } from "./settings.server";

// The committee's view of every organization's banks (§二.5 教考分离, §二.6 freshness): how many
// practice and exam questions, cases and materials each certificate level has, and when each bank
// last changed. Exam questions reach the committee as counts only, through bank_counts (kept by the
// database, decision 060); no row of the question bank is readable in the committee's scope (RLS).

/** Whose bank a row counts: the organization and the certificate, named in both languages. */
interface BankOf {
  organizationSlug: string;
  organizationName: string;
  organizationNameEn: string | null;
  certificateCode: string;
  certificateNameZh: string;
  certificateNameEn: string;
}

/** One level of one certificate; an organization without any certificate has one row, certificate null. */
export interface BankOverviewRow {
  organizationSlug: string;
  organizationName: string;
  organizationNameEn: string | null;
  certificateCode: string | null;
  certificateNameZh: string | null;
  certificateNameEn: string | null;
  level: string | null;
  practice: number;
  exam: number;
  cases: number;
  questionsUpdated: string | null;
  casesUpdated: string | null;
  /** empty: nothing in it; stale: not changed within the committee's staleness threshold. */
  flag: "empty" | "stale" | null;
}

export interface MaterialsOverviewRow extends BankOf {
  materials: number;
  updated: string;
}

export async function bankOverview(tx: Tx, filter: { organization?: string; flag?: string } = {}) {
  const organization = filter.organization && isSlug(filter.organization) ? filter.organization : undefined;
  const flag = filter.flag === "empty" || filter.flag === "stale" ? filter.flag : undefined;
  const staleDays = await settingAt(tx, "bank_staleness_days");
  const rows = rowsOf<BankOverviewRow>(
    await tx.execute(sql`
      select t.slug as "organizationSlug", t.name as "organizationName", t.name_en as "organizationNameEn",
        b.certificate_code as "certificateCode", b.certificate_name_zh as "certificateNameZh", b.certificate_name_en as "certificateNameEn",
        b.level, b.practice, b.exam, b.cases, b.questions_updated as "questionsUpdated", b.cases_updated as "casesUpdated", b.flag
      from (${bankLevelsSql(staleDays)}) b join tenants t on t.id = b.tenant_id
      where true ${organization ? sql`and t.slug = ${organization}` : sql``} ${flag ? sql`and b.flag = ${flag}` : sql``}
      order by t.slug, b.certificate_code nulls first, array_position(array['junior', 'intermediate', 'senior'], b.level)`),
  );
  const materials = rowsOf<MaterialsOverviewRow>(
    await tx.execute(sql`
      select t.slug as "organizationSlug", t.name as "organizationName", t.name_en as "organizationNameEn",
        c.code as "certificateCode", c.name_zh as "certificateNameZh", c.name_en as "certificateNameEn",
        m.items as materials, m.last_updated as updated
      from bank_counts m join tenants t on t.id = m.tenant_id join certificates c on c.tenant_id = m.tenant_id and c.id = m.certificate_id
      where m.bank = 'materials' ${organization ? sql`and t.slug = ${organization}` : sql``}
      order by 1, 4`),
  );
  // The filter names organizations, as the tables do; the slug is only the value sent.
  const organizations = rowsOf<{ slug: string; name: string; nameEn: string | null }>(
    await tx.execute(sql`select slug, name, name_en as "nameEn" from tenants where kind = 'organization' order by name`),
  );
  return { rows, materials, organizations, staleDays };
}
