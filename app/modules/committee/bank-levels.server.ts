import { sql } from "drizzle-orm";

// Every organization's banks, one row per level of each certificate not retired, with counts and the
// last change — so a level with nothing in it appears too — and one row for an organization with no
// certificate at all. Shared by the banks overview and the dashboard's figure, so their numbers agree.
// Exam questions are counted through question_bank_counts() (SECURITY DEFINER, counts only).
export function bankLevelsSql(staleDays: number) {
  return sql`
    with q as (
      select tenant_id, certificate_id, level,
        sum(questions) filter (where pool = 'practice')::int as practice, sum(questions) filter (where pool = 'exam')::int as exam,
        max(last_updated) as updated
      from question_bank_counts() group by 1, 2, 3
    ), k as (
      select tenant_id, certificate_id, level, count(*)::int as cases, max(updated_at) as updated from cases group by 1, 2, 3
    ), b as (
      select c.tenant_id, c.id as certificate_id, c.code as certificate_code, c.name_zh as certificate_name_zh, c.name_en as certificate_name_en,
        c.industry_code, l.level::text as level, coalesce(q.practice, 0) as practice, coalesce(q.exam, 0) as exam, coalesce(k.cases, 0) as cases,
        q.updated as questions_updated, k.updated as cases_updated
      from certificates c cross join unnest(c.levels) as l(level)
      left join q on q.tenant_id = c.tenant_id and q.certificate_id = c.id and q.level = l.level
      left join k on k.tenant_id = c.tenant_id and k.certificate_id = c.id and k.level = l.level
      where c.status <> 'retired'
      union all
      select t.id, null, null, null, null, null, null, 0, 0, 0, null, null from tenants t
      where t.kind = 'organization' and not exists (select 1 from certificates c where c.tenant_id = t.id and c.status <> 'retired')
    )
    select b.*, case when b.practice + b.exam + b.cases = 0 then 'empty'
        when greatest(b.questions_updated, b.cases_updated) < now() - make_interval(days => ${staleDays}) then 'stale' end as flag
    from b`;
}
