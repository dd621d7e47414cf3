import { sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../../db/client.server";
import type { BankImport, Job } from "~/modules/imports/bank-import";
import { majorSheet, parseMajorRow } from "./import-rows";

/**
 * Moves a majors import's staged rows: majors by code (an existing code is updated: name, level),
 * then cohorts by (major, entry year), updated likewise. Returns the rows imported.
 */
export async function moveMajors(tx: Tx, job: Job) {
  await tx.execute(sql`
    insert into pilot_majors (tenant_id, code, name, education_level, created_by_user_id)
    select distinct on (d->>'code') r.tenant_id, d->>'code', d->>'name', (d->>'educationLevel')::pilot_major_level, ${job.createdByUserId}::uuid
    from import_rows r cross join lateral (select r.data as d) x
    where r.tenant_id = ${job.tenantId} and r.job_id = ${job.id}
    order by d->>'code', r.row_number desc
    on conflict (tenant_id, code) do update set name = excluded.name, education_level = excluded.education_level`);
  await tx.execute(sql`
    insert into cohorts (tenant_id, major_id, entry_year, student_count, expected_graduation)
    select distinct on (m.id, (d->'cohort'->>'entryYear')::int) r.tenant_id, m.id, (d->'cohort'->>'entryYear')::int,
      (d->'cohort'->>'studentCount')::int, (d->'cohort'->>'expectedGraduation')::date
    from import_rows r cross join lateral (select r.data as d) x
    join pilot_majors m on m.tenant_id = r.tenant_id and m.code = d->>'code'
    where r.tenant_id = ${job.tenantId} and r.job_id = ${job.id} and d ? 'cohort'
    order by m.id, (d->'cohort'->>'entryYear')::int, r.row_number desc
    on conflict (tenant_id, major_id, entry_year) do update set student_count = excluded.student_count, expected_graduation = excluded.expected_graduation`);
  const [{ n }] = rowsOf<{ n: number }>(
    await tx.execute(sql`select count(*)::int as n from import_rows where tenant_id = ${job.tenantId} and job_id = ${job.id}`),
  );
  return Number(n);
}

/** The pilot majors' import adapter (a job of no certificate), registered beside the banks'. */
export const majorImport: BankImport = { formats: ["xlsx", "csv"], sheet: majorSheet, parseRow: parseMajorRow, move: moveMajors, audit: "pilot_major_import" };
