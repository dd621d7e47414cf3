import { and, desc, eq, sql } from "drizzle-orm";
import type { Tx } from "../../../db/client.server";
import { tenants, typicalCases, typicalCaseScores, users } from "../../../db/schema";
import { audit } from "~/modules/audit/audit.server";
import { newestFirst, pageOf, pageSize, refuse, type Result } from "~/modules/school/common.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import { isUuid } from "~/ui/ids";
import type { TypicalCaseInput } from "./schemas";

// 典型案例 (issue 17 item 6; not the case bank): a school or an organization submits a case of its
// practice; committee members score it (rows only the committee reads, decision 047); the committee's
// admin selects or declines; selected cases are public at /cases/selected.

export async function submitTypicalCase(tx: Tx, ctx: TenantContext, input: TypicalCaseInput): Promise<Result<{ id: string }>> {
  const [row] = await tx
    .insert(typicalCases)
    .values({ tenantId: ctx.tenant.id, ...input, submittedByUserId: ctx.user.id })
    .returning({ id: typicalCases.id });
  await audit(tx, ctx, { action: "typical_case.submit", entityType: "typical_case", entityId: row.id, after: { title: input.title } });
  return { ok: true, value: row };
}

/** A tenant's own submissions (the status; never the committee's scores). */
export function ownTypicalCases(tx: Tx, ctx: TenantContext) {
  return tx
    .select({ id: typicalCases.id, title: typicalCases.title, status: typicalCases.status, createdAt: typicalCases.createdAt })
    .from(typicalCases)
    .where(eq(typicalCases.tenantId, ctx.tenant.id))
    .orderBy(desc(typicalCases.createdAt))
    .limit(200);
}

const meanScore = sql<
  string | null
>`(select round(avg(s.score), 1)::text from typical_case_scores s where s.tenant_id = ${typicalCases.tenantId} and s.case_id = ${typicalCases.id})`;
const scoreCount = sql<number>`(select count(*)::int from typical_case_scores s where s.tenant_id = ${typicalCases.tenantId} and s.case_id = ${typicalCases.id})`;

/** Every submission, for the committee, with the members' mean score. */
export async function committeeTypicalCases(tx: Tx, cursor?: string, limit = pageSize) {
  const keyset = newestFirst(typicalCases.createdAt, typicalCases.id, cursor);
  const rows = await tx
    .select({
      id: typicalCases.id,
      cursorAt: keyset.cursorAt,
      title: typicalCases.title,
      submitter: tenants.name,
      submitterKind: tenants.kind,
      status: typicalCases.status,
      meanScore,
      scoreCount,
      createdAt: typicalCases.createdAt,
    })
    .from(typicalCases)
    .innerJoin(tenants, eq(tenants.id, typicalCases.tenantId))
    .where(keyset.after)
    .orderBy(...keyset.order)
    .limit(limit + 1);
  return pageOf(rows, limit);
}

export async function committeeTypicalCase(tx: Tx, id: string) {
  if (!isUuid(id)) return null;
  const [found] = await tx
    .select({ typicalCase: typicalCases, submitter: tenants.name, meanScore })
    .from(typicalCases)
    .innerJoin(tenants, eq(tenants.id, typicalCases.tenantId))
    .where(eq(typicalCases.id, id));
  if (!found) return null;
  const scores = await tx
    .select({
      score: typicalCaseScores.score,
      comment: typicalCaseScores.comment,
      memberName: users.name,
      memberUserId: typicalCaseScores.memberUserId,
      updatedAt: typicalCaseScores.updatedAt,
    })
    .from(typicalCaseScores)
    .innerJoin(users, eq(users.id, typicalCaseScores.memberUserId))
    .where(and(eq(typicalCaseScores.tenantId, found.typicalCase.tenantId), eq(typicalCaseScores.caseId, id)));
  return { ...found, scores };
}

// Only the admin, who may update a case, locks it (FOR UPDATE needs the UPDATE policy).
async function caseOf(tx: Tx, id: string, lock = false) {
  const query = tx.select().from(typicalCases).where(eq(typicalCases.id, id));
  const found = isUuid(id) ? (lock ? await query.for("update") : await query)[0] : undefined;
  if (!found) throw new Response("Not found", { status: 404 });
  return found;
}

export async function scoreTypicalCase(tx: Tx, ctx: TenantContext, id: string, input: { score: number; comment: string }): Promise<Result<null>> {
  const found = await caseOf(tx, id);
  if (found.status !== "submitted") return refuse(ctx, 409, "supervision.typicalCases.decided");
  await tx
    .insert(typicalCaseScores)
    .values({ tenantId: found.tenantId, caseId: id, memberUserId: ctx.user.id, ...input })
    .onConflictDoUpdate({ target: [typicalCaseScores.tenantId, typicalCaseScores.caseId, typicalCaseScores.memberUserId], set: input });
  await audit(tx, ctx, { action: "typical_case.score", entityType: "typical_case", entityId: id, after: input });
  return { ok: true, value: null };
}

/** The admin's choice: selected (published at /cases/selected) or declined. */
export async function decideTypicalCase(tx: Tx, ctx: TenantContext, id: string, decision: "select" | "decline"): Promise<Result<null>> {
  const found = await caseOf(tx, id, true);
  const status = decision === "select" ? "selected" : "declined";
  if (found.status === status) return refuse(ctx, 409, "supervision.typicalCases.decided");
  // A pending tenant appears nowhere public (issue 17 item 8): its case cannot be selected for /cases/selected.
  if (decision === "select") {
    const [submitter] = await tx.select({ admission: tenants.admission }).from(tenants).where(eq(tenants.id, found.tenantId));
    if (submitter?.admission !== "admitted" && submitter?.admission !== "suspended") return refuse(ctx, 409, "supervision.typicalCases.submitterPending");
  }
  await tx
    .update(typicalCases)
    .set({ status, decidedAt: new Date(), decidedByUserId: ctx.user.id })
    .where(and(eq(typicalCases.tenantId, found.tenantId), eq(typicalCases.id, id)));
  await audit(tx, ctx, {
    action: decision === "select" ? "typical_case.select" : "typical_case.decline",
    entityType: "typical_case",
    entityId: id,
    before: { status: found.status },
    after: { status },
  });
  return { ok: true, value: null };
}

/** The public selection (any scope; RLS admits selected rows only outside the committee and the submitter). */
export function selectedTypicalCases(tx: Tx) {
  return (
    tx
      .select({
        id: typicalCases.id,
        title: typicalCases.title,
        summary: typicalCases.summary,
        body: typicalCases.body,
        submitter: tenants.name,
        submitterEn: tenants.nameEn,
        decidedAt: typicalCases.decidedAt,
      })
      .from(typicalCases)
      .innerJoin(tenants, eq(tenants.id, typicalCases.tenantId))
      // A submitter not admitted (pending, refused) appears nowhere public (§二.2, decision 042).
      .where(and(eq(typicalCases.status, "selected"), sql`${tenants.admission} in ('admitted', 'suspended')`))
      .orderBy(desc(typicalCases.decidedAt))
      .limit(200)
  );
}
