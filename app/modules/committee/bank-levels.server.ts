import { sql } from "drizzle-orm";

// Every organization's banks, one row per level of each certificate not retired, with counts and the
// last change — so a level with nothing in it appears too — and one row for an organization with no
// certificate at all. Shared by the banks overview and the dashboard's figure, so their numbers agree.
// The counts come from bank_counts, kept by the database as the banks change (decision 060): the
// committee reads exam questions as counts only, and never counts a million rows per view.
export function bankLevelsSql(staleDays: number) {
  return sql`
    with q as (
      select tenant_id, certificate_id, level,
        sum(items) filter (where bank = 'practice')::int as practice, sum(items) filter (where bank = 'exam')::int as exam,
        max(last_updated) filter (where bank in ('practice', 'exam')) as updated,
        sum(items) filter (where bank = 'cases')::int as cases, max(last_updated) filter (where bank = 'cases') as cases_updated
      from bank_counts where bank <> 'materials' group by 1, 2, 3
    ), b as (
      select c.tenant_id, c.id as certificate_id, c.code as certificate_code, c.name_zh as certificate_name_zh, c.name_en as certificate_name_en,
        c.industry_code, l.level::text as level, coalesce(q.practice, 0) as practice, coalesce(q.exam, 0) as exam, coalesce(q.cases, 0) as cases,
        q.updated as questions_updated, q.cases_updated
      from certificates c cross join unnest(c.levels) as l(level)
      left join q on q.tenant_id = c.tenant_id and q.certificate_id = c.id and q.level = l.level::text
      where c.status <> 'retired'
      union all
      select t.id, null, null, null, null, null, null, 0, 0, 0, null, null from tenants t
      where t.kind = 'organization' and not exists (select 1 from certificates c where c.tenant_id = t.id and c.status <> 'retired')
    )
    select b.*, case when b.practice + b.exam + b.cases = 0 then 'empty'
        when greatest(b.questions_updated, b.cases_updated) < now() - make_interval(days => ${staleDays}) then 'stale' end as flag
    from b`;
}
