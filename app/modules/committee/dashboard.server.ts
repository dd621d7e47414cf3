import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type Tx } from "../../../db/client.server";
import type { CommitteeSettingKey } from "../../../db/schema";
import { majorsOverRatioSql } from "~/modules/credentials/ratio.server";
import { shanghaiDate } from "~/ui/format";
import { bankLevelsSql } from "./bank-levels.server";
import type { FigureFilter } from "./schemas";
import { settingAt } from "./settings.server";
import { siteLayoutSql } from "./sites.server";

// The committee's dashboard (issue 17 item 1, decision 043): a list of figure providers, one function
// each. A provider gives the SQL of the rows its number counts — one row per item, with whom it is
// about (tenant_id: the organization or school), its industry field (or null), a kind, a subject, a
// detail, a link and a date. The dashboard counts those rows by organization, district and industry;
// /committee/figures/:key lists the same rows with the same filters, so a number always equals the
// list it links to. A figure built elsewhere is one more entry in `figureProviders`.

export interface FigureProvider {
  key: string;
  /** Work that must run first (the fee audit catches up with the calendar). */
  prepare?: (tx: Tx) => Promise<void>;
  /**
   * Columns: tenant_id uuid, industry_code text|null, kind text, subject text, detail text, href text|null, at timestamptz|null.
   * `settings`: the committee's thresholds when the caller has read them already.
   */
  source: (tx: Tx, settings?: Partial<Record<CommitteeSettingKey, number>>) => Promise<SQL>;
  /** The figure's own page, when it has one beyond the generic list. */
  page?: string;
}

export function feeFindingsFigure(): FigureProvider {
  return {
    key: "fee-findings",
    page: "/committee/fees",
    prepare: async (tx) => {
      await tx.execute(sql`select catch_up_fee_findings()`);
    },
    source: async () => sql`
      select f.tenant_id, c.industry_code, f.type as kind, c.code || ' · ' || f.level::text as subject, f.reference as detail,
        case when f.entity_type = 'fee_disclosure' then '/fees/' || f.entity_id else '/committee/orders/' || f.entity_id end as href, f.at
      from fee_findings f join certificates c on c.tenant_id = f.tenant_id and c.id = f.certificate_id`,
  };
}

/** Organizations whose active, unexpired trainers are less than 40% industry experts (§二.10). */
export function industryShareFigure(): FigureProvider {
  return {
    key: "industry-share",
    source: async () => sql`
      select s.tenant_id, null::text as industry_code, 'industry_share' as kind,
        s.industry || ' / ' || s.trainers as subject, round(100.0 * s.industry / s.trainers)::text || '%' as detail, null::text as href, null::timestamptz as at
      from industry_share_overview() s where s.trainers > 0 and s.industry * 5 < s.trainers * 2`,
  };
}

/** Cohorts graduating within six months with students never assessed (the school's coverage rule). */
export function unassessedCohortsFigure(): FigureProvider {
  return {
    key: "unassessed-cohorts",
    source: async () => {
      const today = shanghaiDate();
      return sql`
        select c.tenant_id, null::text as industry_code, 'cohort' as kind, m.code || ' ' || m.name || ' · ' || c.entry_year as subject,
          least(c.student_count, coalesce(o.assessed, 0)) || ' / ' || c.student_count as detail, null::text as href,
          c.expected_graduation::timestamptz as at
        from cohorts c join pilot_majors m on m.tenant_id = c.tenant_id and m.id = c.major_id
        left join lateral (
          select sum(a.headcount)::int as assessed from assessment_orders a
          where a.school_tenant_id = c.tenant_id and a.cohort_id = c.id and a.status = 'paid'
        ) o on true
        where c.expected_graduation >= ${today}::date and c.expected_graduation <= ${today}::date + interval '6 months'
          and coalesce(o.assessed, 0) < c.student_count`;
    },
  };
}

/** Progress reports past their due day and not submitted, per school and period it existed in. */
export function overdueReportsFigure(): FigureProvider {
  return {
    key: "overdue-reports",
    source: async () => {
      const today = shanghaiDate();
      return sql`
        select t.id as tenant_id, null::text as industry_code, coalesce(r.status::text, 'not_started') as kind, p.code as subject,
          p.due_on::text as detail, null::text as href, p.due_on::timestamptz as at
        from tenants t cross join report_periods p
        left join progress_reports r on r.tenant_id = t.id and r.period_id = p.id
        where t.kind = 'school' and p.due_on < ${today}::date and p.ends_on >= (t.created_at at time zone 'Asia/Shanghai')::date
          and r.status is distinct from 'submitted'`;
    },
  };
}

/** Violation reports not yet closed, counted against the organization reported. */
export function openViolationsFigure(): FigureProvider {
  return {
    key: "open-violations",
    page: "/committee/violations",
    source: async () => sql`
      select v.organization_id as tenant_id, null::text as industry_code, v.category::text as kind, s.name as subject,
        '' as detail, '/committee/violations/' || v.id as href, v.created_at as at
      from violation_reports v join tenants s on s.id = v.tenant_id where v.status::text not in ('resolved', 'dismissed', 'upheld')`,
  };
}

/** Bank levels with nothing in them, or not changed within the staleness threshold. */
export function staleBanksFigure(): FigureProvider {
  return {
    key: "stale-banks",
    page: "/committee/banks",
    source: async (tx, settings) => {
      const days = settings?.bank_staleness_days ?? (await settingAt(tx, "bank_staleness_days"));
      return sql`
        select b.tenant_id, b.industry_code, b.flag as kind, coalesce(b.certificate_code || ' · ' || b.level, '—') as subject,
          (b.practice + b.exam + b.cases)::text as detail, '/committee/banks?organization=' || t.slug as href,
          greatest(b.questions_updated, b.cases_updated) as at
        from (${bankLevelsSql(days)}) b join tenants t on t.id = b.tenant_id where b.flag is not null`;
    },
  };
}

/** School filings waiting for the committee's decision. */
export function pendingFilingsFigure(): FigureProvider {
  return {
    key: "pending-filings",
    page: "/committee/filings",
    source: async () => sql`
      select f.tenant_id, c.industry_code, f.status::text as kind, f.certificate_name || ' · ' || f.level::text as subject, '' as detail,
        '/committee/filings/' || f.id as href, f.submitted_at as at
      from filings f left join certificates c on c.tenant_id = f.organization_id and c.id = f.certificate_id
      where f.status in ('submitted', 'resubmitted')`,
  };
}

/** Exam-site gaps and duplicates (item 5), against the organization whose certificate it is. */
export function examSitesFigure(): FigureProvider {
  return {
    key: "exam-sites",
    page: "/committee/sites",
    source: async (tx, settings) => {
      const threshold = settings?.site_students_per_site ?? (await settingAt(tx, "site_students_per_site"));
      return sql`
        select l.tenant_id, l.industry_code, l.flag as kind, l.certificate_code || ' · ' || l.district as subject,
          l.sites || ' / ' || l.students as detail, '/committee/sites?flag=' || l.flag || '&district=' || l.district as href, null::timestamptz as at
        from (${siteLayoutSql(threshold)}) l where l.flag is not null`;
    },
  };
}

/** Pilot majors whose students exceed 80 per credentialed trainer (§二.8), counted against the school. */
export function majorRatiosFigure(): FigureProvider {
  return {
    key: "major-ratios",
    source: async () => sql`
      select r.tenant_id, null::text as industry_code, 'major' as kind, r.code || ' ' || r.name as subject,
        r.students || ' / ' || r.trainers as detail, null::text as href, null::timestamptz as at
      from (${majorsOverRatioSql()}) r`,
  };
}

/** Organizations and schools that signed up and wait for the committee's admission (§二.2, decision 042). */
export function pendingAdmissionsFigure(): FigureProvider {
  return {
    key: "pending-admissions",
    page: "/committee/admissions",
    source: async () => sql`
      select t.id as tenant_id, null::text as industry_code, t.kind::text as kind, t.name as subject, coalesce(a.credit_code, '') as detail,
        '/committee/admissions/' || t.id as href, coalesce(a.filed_at, t.created_at) as at
      from tenants t
      left join lateral (
        select x.credit_code, x.filed_at from tenant_admissions x where x.tenant_id = t.id order by x.filed_at desc, x.id desc limit 1
      ) a on true
      where t.admission = 'pending' and t.kind in ('organization', 'school')`,
  };
}

/**
 * The evaluation in progress (decision 046): organizations the newest open period has not decided yet,
 * `scored` when some member scored them, `unscored` otherwise; detail: criteria scored of six.
 */
export function evaluationProgressFigure(): FigureProvider {
  return {
    key: "evaluation-progress",
    page: "/committee/evaluations",
    source: async () => sql`
      select o.id as tenant_id, null::text as industry_code, case when s.n > 0 then 'scored' else 'unscored' end as kind,
        p.code as subject, s.n || ' / 6' as detail, '/committee/evaluations/' || p.id as href, p.created_at as at
      from (select e.tenant_id, e.id, e.code, e.created_at from evaluation_periods e where e.status = 'open' order by e.created_at desc limit 1) p
      cross join tenants o
      cross join lateral (
        select count(distinct sc.criterion)::int as n from evaluation_scores sc
        where sc.tenant_id = p.tenant_id and sc.period_id = p.id and sc.organization_id = o.id
      ) s
      where o.kind = 'organization' and o.admission in ('admitted', 'suspended')
        and not exists (select 1 from evaluation_results r where r.tenant_id = p.tenant_id and r.period_id = p.id and r.organization_id = o.id)`,
  };
}

// The dashboard's figures, in the order shown. Other work adds its providers here.
export const figureProviders: FigureProvider[] = [
  feeFindingsFigure(),
  industryShareFigure(),
  unassessedCohortsFigure(),
  overdueReportsFigure(),
  openViolationsFigure(),
  staleBanksFigure(),
  pendingFilingsFigure(),
  examSitesFigure(),
  majorRatiosFigure(),
  pendingAdmissionsFigure(),
  evaluationProgressFigure(),
];

export function figureProvider(key: string) {
  return figureProviders.find((p) => p.key === key);
}

export interface Breakdown {
  key: string;
  label: string;
  labelEn: string | null;
  counts: Record<string, number>;
  total: number;
}

/** Every figure's number and its counts by organization, district and industry field. */
export async function dashboard(tx: Tx) {
  const totals: Record<string, number> = {};
  const byOrganization = new Map<string, Breakdown>();
  const byDistrict = new Map<string, Breakdown>();
  const byIndustry = new Map<string, Breakdown>();
  const industries = rowsOf<{ code: string; name_zh: string; name_en: string }>(await tx.execute(sql`select code, name_zh, name_en from industries`));
  const industryName = new Map(industries.map((i) => [i.code, i]));
  const add = (map: Map<string, Breakdown>, key: string, label: string, labelEn: string | null, figure: string, n: number) => {
    const entry = map.get(key) ?? { key, label, labelEn, counts: {}, total: 0 };
    entry.counts[figure] = (entry.counts[figure] ?? 0) + n;
    entry.total += n;
    map.set(key, entry);
  };
  // The thresholds and the fee audit's catch-up first, then every figure's count sent together: the
  // transaction's one connection runs them in order, and the page waits for one round trip, not eight.
  const [stalenessDays, studentsPerSite] = await Promise.all([
    settingAt(tx, "bank_staleness_days"),
    settingAt(tx, "site_students_per_site"),
    ...figureProviders.map((p) => p.prepare?.(tx)),
  ]);
  const settings = { bank_staleness_days: stalenessDays, site_students_per_site: studentsPerSite };
  const sources = await Promise.all(figureProviders.map((provider) => provider.source(tx, settings)));
  // Each figure counted per tenant in the database, named here: joined to tenants in SQL, a figure
  // the planner under-estimates (RLS) was looped against every tenant (1 s for the majors at SCALE=1).
  const [tenantRows, ...results] = await Promise.all([
    tx.execute(sql`select id, slug, name, name_en, district::text as district from tenants`),
    ...sources.map((source) =>
      tx.execute(sql`select s.tenant_id, s.industry_code, count(*)::int as n from (${source}) s group by s.tenant_id, s.industry_code`),
    ),
  ]);
  const tenantsById = new Map(
    rowsOf<{ id: string; slug: string; name: string; name_en: string | null; district: string | null }>(tenantRows).map((t) => [t.id, t]),
  );
  for (const [i, provider] of figureProviders.entries()) {
    const counted = rowsOf<{ tenant_id: string; industry_code: string | null; n: number }>(results[i]);
    totals[provider.key] = 0;
    for (const count of counted) {
      const tenant = tenantsById.get(count.tenant_id);
      if (!tenant) continue; // as the lists' join does: a row about no tenant is in no list
      const row = { ...tenant, industry_code: count.industry_code };
      const n = Number(count.n);
      totals[provider.key] += n;
      add(byOrganization, row.slug, row.name, row.name_en, provider.key, n);
      add(byDistrict, row.district ?? "none", row.district ?? "none", null, provider.key, n);
      const industry = row.industry_code ? industryName.get(row.industry_code) : undefined;
      add(byIndustry, row.industry_code ?? "none", industry?.name_zh ?? "none", industry?.name_en ?? null, provider.key, n);
    }
  }
  const sorted = (map: Map<string, Breakdown>) => [...map.values()].sort((a, b) => b.total - a.total || a.key.localeCompare(b.key));
  return {
    figures: figureProviders.map((p) => ({ key: p.key, page: p.page ?? null, total: totals[p.key] ?? 0 })),
    byOrganization: sorted(byOrganization),
    byDistrict: sorted(byDistrict),
    byIndustry: sorted(byIndustry),
  };
}

export interface FigureRow {
  organizationSlug: string;
  organizationName: string;
  organizationNameEn: string | null;
  district: string | null;
  industryCode: string | null;
  kind: string;
  subject: string;
  detail: string;
  href: string | null;
  at: string | null;
}

function filterSql(filter: FigureFilter) {
  const none = (value: string | undefined) => value === "none";
  return sql.join(
    [
      sql`true`,
      filter.organization ? sql`t.slug = ${filter.organization}` : undefined,
      filter.district ? (none(filter.district) ? sql`t.district is null` : sql`t.district::text = ${filter.district}`) : undefined,
      filter.industry ? (none(filter.industry) ? sql`s.industry_code is null` : sql`s.industry_code = ${filter.industry}`) : undefined,
    ].filter((part): part is SQL => part !== undefined),
    sql` and `,
  );
}

/** The rows behind one figure, filtered as the dashboard's links say; a page of them and their total. */
export async function figureRows(tx: Tx, provider: FigureProvider, filter: FigureFilter, page = 1, pageSize = 100) {
  await provider.prepare?.(tx);
  const source = await provider.source(tx);
  const rows = rowsOf<{
    slug: string;
    name: string;
    name_en: string | null;
    district: string | null;
    industry_code: string | null;
    kind: string;
    subject: string;
    detail: string;
    href: string | null;
    at: string | Date | null;
    total: number;
  }>(
    await tx.execute(sql`
      select t.slug, t.name, t.name_en, t.district::text as district, s.industry_code, s.kind, s.subject, s.detail, s.href, s.at,
        count(*) over ()::int as total
      from (${source}) s join tenants t on t.id = s.tenant_id
      where ${filterSql(filter)}
      order by s.at desc nulls last, t.slug, s.subject
      limit ${pageSize} offset ${(page - 1) * pageSize}`),
  );
  let total = rows.length ? Number(rows[0].total) : 0;
  if (!rows.length && page > 1) {
    const [count] = rowsOf<{ n: number }>(
      await tx.execute(sql`select count(*)::int as n from (${source}) s join tenants t on t.id = s.tenant_id where ${filterSql(filter)}`),
    );
    total = Number(count?.n ?? 0);
  }
  return {
    total,
    rows: rows.map((r): FigureRow => ({
      organizationSlug: r.slug,
      organizationName: r.name,
      organizationNameEn: r.name_en,
      district: r.district,
      industryCode: r.industry_code,
      kind: r.kind,
      subject: r.subject,
      detail: r.detail,
      href: r.href,
      at: r.at === null ? null : new Date(r.at).toISOString(),
    })),
  };
}
