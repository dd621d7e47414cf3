import { and, asc, eq, sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../../db/client.server";
import { credentialLinks, pilotMajors, tenants } from "../../../db/schema";
import { translator } from "~/i18n/i18n";
import { audit } from "~/modules/audit/audit.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import { isUuid } from "~/ui/ids";
import { normalizeCredentialNumber } from "./number";

// 1:80 (§二.8, rule 8): per pilot major and cohort, students ÷ the credentialed trainers the school
// linked to that major. A link is made by credential number and checked against the organization's
// record inside link_school_credential() (SECURITY DEFINER, decision 053); whether a link still counts
// (an active trainer credential within its dates) comes from credential_link_states().

export const studentsPerTrainer = 80;

/** Trainers still missing for `students` at 1:80 (0 when met). */
export function trainersMissing(students: number, trainers: number) {
  return Math.max(0, Math.ceil(students / studentsPerTrainer) - trainers);
}

export interface CohortRatio {
  /** `major`: all the major's cohorts together (the row the flag is read from); `cohort`: one cohort. */
  scope: "major" | "cohort";
  majorId: string;
  majorCode: string;
  majorName: string;
  /** null: the major has no cohort (its students are not known). */
  cohortId: string | null;
  entryYear: number | null;
  students: number;
  trainers: number;
  /** Students per trainer, one decimal; null without trainers. */
  ratio: number | null;
  over: boolean;
  missing: number;
}

/**
 * Per major (all its cohorts) and per cohort, students ÷ the major's credentialed trainers: a major's
 * row first, then its cohorts (a major without cohorts has its row only, with 0 students).
 * The one computation of the ratio: the school's majors pages and the committee's dashboard call it.
 * `schoolId` defaults to the scope's tenant; the committee passes the school it looks at.
 */
export async function listMajorRatios(tx: Tx, schoolId: string, options: { majorId?: string } = {}): Promise<CohortRatio[]> {
  const rows = rowsOf<{
    major_id: string;
    code: string;
    name: string;
    cohort_id: string | null;
    entry_year: number | null;
    students: number;
    trainers: number;
  }>(
    await tx.execute(sql`
      with counted as (
        select s.major_id, count(*) filter (where s.counts)::int as trainers from credential_link_states(${schoolId}::uuid) s group by s.major_id
      )
      select m.id as major_id, m.code, m.name, c.id as cohort_id, c.entry_year, coalesce(c.student_count, 0)::int as students, coalesce(k.trainers, 0)::int as trainers
      from pilot_majors m
      left join cohorts c on c.tenant_id = m.tenant_id and c.major_id = m.id
      left join counted k on k.major_id = m.id
      where m.tenant_id = ${schoolId}::uuid ${options.majorId ? sql`and m.id = ${options.majorId}::uuid` : sql``}
      order by m.code, c.entry_year`),
  );
  const out: CohortRatio[] = [];
  const row = (scope: CohortRatio["scope"], r: (typeof rows)[number], students: number): CohortRatio => {
    const trainers = Number(r.trainers);
    const missing = trainersMissing(students, trainers);
    return {
      scope,
      majorId: r.major_id,
      majorCode: r.code,
      majorName: r.name,
      cohortId: scope === "cohort" ? r.cohort_id : null,
      entryYear: scope === "cohort" && r.entry_year !== null ? Number(r.entry_year) : null,
      students,
      trainers,
      ratio: trainers ? Math.round((students / trainers) * 10) / 10 : null,
      over: missing > 0,
      missing,
    };
  };
  for (const [i, r] of rows.entries()) {
    if (i === 0 || rows[i - 1].major_id !== r.major_id) {
      const total = rows.filter((x) => x.major_id === r.major_id).reduce((sum, x) => sum + Number(x.students), 0);
      out.push(row("major", r, total));
    }
    if (r.cohort_id) out.push(row("cohort", r, Number(r.students)));
  }
  return out;
}

/**
 * Every school's pilot majors above 1:80 (the committee's dashboard, decision 055): the same rule as
 * listMajorRatios' major rows — all the major's cohorts' students against the trainers whose links
 * count — in one statement across schools. Columns: tenant_id (the school), major_id, code, name,
 * students, trainers, missing.
 */
export function majorsOverRatioSql() {
  return sql`
    select m.tenant_id, m.id as major_id, m.code, m.name, st.students, coalesce(k.trainers, 0)::int as trainers,
      (ceil(st.students / ${studentsPerTrainer}::numeric) - coalesce(k.trainers, 0))::int as missing
    from pilot_majors m
    join (select c.tenant_id, c.major_id, sum(c.student_count)::int as students from cohorts c group by c.tenant_id, c.major_id) st
      on st.tenant_id = m.tenant_id and st.major_id = m.id
    left join (
      select sc.id as tenant_id, s.major_id, count(*) filter (where s.counts)::int as trainers
      from tenants sc cross join lateral credential_link_states(sc.id) s where sc.kind = 'school' group by sc.id, s.major_id
    ) k on k.tenant_id = m.tenant_id and k.major_id = m.id
    where ceil(st.students / ${studentsPerTrainer}::numeric) > coalesce(k.trainers, 0)`;
}

/** The credentials a school linked to one of its majors, each with whether it counts today. */
export async function listMajorLinks(tx: Tx, ctx: TenantContext, majorId: string) {
  if (!isUuid(majorId)) return [];
  const states = rowsOf<{ link_id: string; counts: boolean }>(
    await tx.execute(sql`select link_id, counts from credential_link_states(${ctx.tenant.id}::uuid)`),
  );
  const counts = new Map(states.map((s) => [s.link_id, s.counts === true || String(s.counts) === "t" || String(s.counts) === "true"]));
  const links = await tx
    .select({
      id: credentialLinks.id,
      number: credentialLinks.credentialNumber,
      teacherName: credentialLinks.teacherName,
      organization: tenants.name,
      createdAt: credentialLinks.createdAt,
    })
    .from(credentialLinks)
    .innerJoin(tenants, eq(tenants.id, credentialLinks.organizationId))
    .where(and(eq(credentialLinks.tenantId, ctx.tenant.id), eq(credentialLinks.majorId, majorId)))
    .orderBy(asc(credentialLinks.teacherName));
  return links.map((l) => ({ ...l, counts: counts.get(l.id) ?? false }));
}

type LinkResult = { ok: true; value: { id: string } } | { ok: false; status: 400; fieldErrors: Record<string, string[]> };

/** Links a trainer credential to a major when the organization's record matches (else a field error, nothing written). */
export async function linkCredential(tx: Tx, ctx: TenantContext, majorId: string, input: { number: string; proof: string }): Promise<LinkResult> {
  const t = translator(ctx.locale);
  const [major] = await tx
    .select({ id: pilotMajors.id })
    .from(pilotMajors)
    .where(and(eq(pilotMajors.tenantId, ctx.tenant.id), eq(pilotMajors.id, majorId)));
  if (!major) throw new Response("Not found", { status: 404 });
  const number = normalizeCredentialNumber(input.number);
  if (!number) return { ok: false, status: 400, fieldErrors: { number: [t("credentials.ratio.badNumber")] } };
  const [row] = rowsOf<{ id: string | null }>(await tx.execute(sql`select link_school_credential(${majorId}::uuid, ${number}, ${input.proof}) as id`));
  if (!row?.id) return { ok: false, status: 400, fieldErrors: { proof: [t("credentials.ratio.noMatch")] } };
  await audit(tx, ctx, { action: "credential_link.create", entityType: "credential_link", entityId: row.id, after: { majorId, number } });
  return { ok: true, value: { id: row.id } };
}

export async function unlinkCredential(tx: Tx, ctx: TenantContext, majorId: string, linkId: string): Promise<LinkResult> {
  const t = translator(ctx.locale);
  const [gone] = await tx
    .delete(credentialLinks)
    .where(and(eq(credentialLinks.tenantId, ctx.tenant.id), eq(credentialLinks.majorId, majorId), eq(credentialLinks.id, linkId)))
    .returning();
  if (!gone) return { ok: false, status: 400, fieldErrors: { linkId: [t("errors.invalidOption")] } };
  await audit(tx, ctx, { action: "credential_link.delete", entityType: "credential_link", entityId: linkId, before: gone });
  return { ok: true, value: { id: linkId } };
}
