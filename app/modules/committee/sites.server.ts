import { sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../../db/client.server";
import { shanghaiDistrict } from "../../../db/schema/tenancy";
import { shanghaiDate } from "~/ui/format";
import { settingAt } from "./settings.server";

// The exam-site layout (issue 17 item 5, decision 043): approved sites per certificate per district
// against demand — the students of current cohorts (not yet graduated) of pilot majors piloting the
// certificate, placed in their school's district. A district with demand and no site is a gap; more
// sites than max(1, ⌈students / students-per-site⌉) for one certificate in one district a duplicate.

export type SiteFlag = "gap" | "duplicate";

export const districts = shanghaiDistrict.enumValues;

export interface SiteLayoutRow {
  tenantId: string;
  organizationSlug: string;
  organizationName: string;
  organizationNameEn: string | null;
  certificateCode: string;
  certificateNameZh: string;
  certificateNameEn: string;
  industryCode: string;
  district: string;
  students: number;
  sites: number;
  capacity: number;
  justified: number;
  flag: SiteFlag | null;
}

/** The layout as SQL (one row per organization, certificate and district), for the page and the dashboard. */
export function siteLayoutSql(studentsPerSite: number, today = shanghaiDate()) {
  return sql`
    with demand as (
      select p.organization_id as tenant_id, p.certificate_id, s.district, sum(c.student_count)::int as students
      from (select distinct tenant_id, major_id, organization_id, certificate_id from pilot_major_certificates) p
      join tenants s on s.id = p.tenant_id
      join cohorts c on c.tenant_id = p.tenant_id and c.major_id = p.major_id and c.expected_graduation >= ${today}::date
      where s.district is not null
      group by 1, 2, 3
    ), placed as (
      select tenant_id, certificate_id, district, count(*)::int as sites, sum(capacity)::int as capacity
      from exam_sites where status = 'approved' group by 1, 2, 3
    ), layout as (
      select coalesce(d.tenant_id, p.tenant_id) as tenant_id, coalesce(d.certificate_id, p.certificate_id) as certificate_id,
        coalesce(d.district, p.district)::text as district, coalesce(d.students, 0) as students, coalesce(p.sites, 0) as sites,
        coalesce(p.capacity, 0) as capacity, greatest(1, ceil(coalesce(d.students, 0)::numeric / ${studentsPerSite}))::int as justified
      from demand d full join placed p on p.tenant_id = d.tenant_id and p.certificate_id = d.certificate_id and p.district = d.district
    )
    select l.*, c.code as certificate_code, c.name_zh as certificate_name_zh, c.name_en as certificate_name_en, c.industry_code,
      case when l.students > 0 and l.sites = 0 then 'gap' when l.sites > l.justified then 'duplicate' end as flag
    from layout l join certificates c on c.tenant_id = l.tenant_id and c.id = l.certificate_id`;
}

export async function siteLayout(tx: Tx, filter: { flag?: SiteFlag; district?: string } = {}) {
  const district = filter.district && (districts as readonly string[]).includes(filter.district) ? filter.district : undefined;
  const threshold = await settingAt(tx, "site_students_per_site");
  const rows = rowsOf<Record<string, unknown>>(
    await tx.execute(sql`
      select l.*, t.slug, t.name, t.name_en from (${siteLayoutSql(threshold)}) l join tenants t on t.id = l.tenant_id
      where true ${filter.flag ? sql`and l.flag = ${filter.flag}` : sql``} ${district ? sql`and l.district = ${district}` : sql``}
      order by l.flag is null, l.district, l.certificate_code, t.slug
      limit 5000`),
  );
  return {
    threshold,
    districts,
    rows: rows.map((r): SiteLayoutRow => ({
      tenantId: String(r.tenant_id),
      organizationSlug: String(r.slug),
      organizationName: String(r.name),
      organizationNameEn: (r.name_en as string | null) ?? null,
      certificateCode: String(r.certificate_code),
      certificateNameZh: String(r.certificate_name_zh),
      certificateNameEn: String(r.certificate_name_en),
      industryCode: String(r.industry_code),
      district: String(r.district),
      students: Number(r.students),
      sites: Number(r.sites),
      capacity: Number(r.capacity),
      justified: Number(r.justified),
      flag: (r.flag as SiteFlag | null) ?? null,
    })),
  };
}
