import { sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../../db/client.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import { shanghaiDate } from "~/ui/format";

// Assessment coverage (§二.14, DOMAIN.md: every student of a pilot major takes at least one
// assessment while enrolled): per major and cohort, students vs students assessed in paid orders
// for that cohort. A cohort within 6 months of graduation with students never assessed is flagged.

export interface CohortCoverage {
  majorId: string;
  majorCode: string;
  majorName: string;
  cohortId: string;
  entryYear: number;
  students: number;
  assessed: number;
  expectedGraduation: string;
  flagged: boolean;
}

export async function assessmentCoverage(tx: Tx, ctx: TenantContext, today = shanghaiDate()): Promise<CohortCoverage[]> {
  // Orders live with the selling organization; the school reads its own through school_tenant_id.
  const rows = rowsOf<{
    major_id: string;
    major_code: string;
    major_name: string;
    cohort_id: string;
    entry_year: number;
    students: number;
    assessed: number;
    expected_graduation: string;
    flagged: boolean;
  }>(
    await tx.execute(sql`
      select m.id as major_id, m.code as major_code, m.name as major_name, c.id as cohort_id, c.entry_year, c.student_count as students,
        to_char(c.expected_graduation, 'YYYY-MM-DD') as expected_graduation,
        least(c.student_count, coalesce(o.assessed, 0))::int as assessed,
        (c.expected_graduation <= ${today}::date + interval '6 months' and c.expected_graduation >= ${today}::date
          and coalesce(o.assessed, 0) < c.student_count) as flagged
      from pilot_majors m
      join cohorts c on c.tenant_id = m.tenant_id and c.major_id = m.id
      left join lateral (
        select sum(a.headcount)::int as assessed from assessment_orders a
        where a.school_tenant_id = ${ctx.tenant.id} and a.cohort_id = c.id and a.status = 'paid'
      ) o on true
      where m.tenant_id = ${ctx.tenant.id}
      order by m.code, c.entry_year`),
  );
  return rows.map((r) => ({
    majorId: r.major_id,
    majorCode: r.major_code,
    majorName: r.major_name,
    cohortId: r.cohort_id,
    entryYear: Number(r.entry_year),
    students: Number(r.students),
    assessed: Number(r.assessed),
    expectedGraduation: r.expected_graduation,
    flagged: Boolean(r.flagged),
  }));
}
