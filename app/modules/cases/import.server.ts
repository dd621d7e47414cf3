import { sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../../db/client.server";
import type { BankImport, Job } from "~/modules/imports/bank-import";
import { caseSheet, parseCaseRow } from "./import-rows";

// The case bank's import adapter: the pipeline validates and stages the rows; this moves them in.

async function moveCases(tx: Tx, job: Job) {
  const inserted = rowsOf<{ n: number }>(
    await tx.execute(sql`
      with moved as (
        insert into cases (tenant_id, certificate_id, level, title, industry_context, body, requirement_ids, visibility, created_by_user_id)
        select r.tenant_id, ${job.certificateId}::uuid, (d->>'level')::certificate_level, d->>'title', d->>'industryContext', d->>'body',
          array(select jsonb_array_elements_text(d->'requirementIds'))::uuid[], (d->>'visibility')::resource_visibility, ${job.createdByUserId}::uuid
        from import_rows r cross join lateral (select r.data as d) x
        where r.tenant_id = ${job.tenantId} and r.job_id = ${job.id}
        returning 1
      )
      select count(*)::int as n from moved`),
  );
  return Number(inserted[0]?.n ?? 0);
}

export const caseImport: BankImport = { formats: ["xlsx", "csv"], sheet: caseSheet, parseRow: parseCaseRow, move: moveCases, audit: "case_import" };
