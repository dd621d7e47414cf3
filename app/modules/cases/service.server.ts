import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import type { Tx } from "../../../db/client.server";
import { cases } from "../../../db/schema";
import { audit } from "~/modules/audit/audit.server";
import { checkPlacement } from "~/modules/banks/service.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import { isUuid } from "~/ui/ids";
import { cursorTime, decodeCursor, encodeCursor, isTimestamp } from "~/ui/keyset.server";
import { likePattern } from "~/ui/like";
import type { CaseFilter, CaseInput } from "./schemas";
import { requireAdmitted } from "~/modules/admission/service.server";

// The case bank (案例库, §二.6): an organization's cases per certificate and level, linked to the
// skill requirements of the certificate's latest published standard, shared with schools or not.

const casePageSize = 50;

function caseConditions(filter: CaseFilter): SQL[] {
  const q = filter.q?.trim();
  return [
    q ? sql`${cases.title} ilike ${likePattern(q)}` : undefined,
    filter.certificate && isUuid(filter.certificate) ? eq(cases.certificateId, filter.certificate) : undefined,
    filter.level ? eq(cases.level, filter.level) : undefined,
    filter.visibility ? eq(cases.visibility, filter.visibility) : undefined,
    filter.requirement && isUuid(filter.requirement) ? sql`${cases.requirementIds} @> array[${filter.requirement}]::uuid[]` : undefined,
  ].filter((c): c is SQL => c !== undefined);
}

/** The organization's cases, most recently updated first, keyset-paginated. */
export async function listCases(tx: Tx, ctx: TenantContext, filter: CaseFilter, limit = casePageSize) {
  const after = decodeCursor(filter.cursor, [isTimestamp, isUuid]);
  const rows = await tx
    .select({
      id: cases.id,
      certificateId: cases.certificateId,
      level: cases.level,
      title: cases.title,
      industryContext: cases.industryContext,
      requirementIds: cases.requirementIds,
      visibility: cases.visibility,
      updatedAt: cases.updatedAt,
      cursorAt: cursorTime(cases.updatedAt),
    })
    .from(cases)
    .where(
      and(
        eq(cases.tenantId, ctx.tenant.id),
        ...caseConditions(filter),
        after ? sql`(${cases.updatedAt}, ${cases.id}) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(cases.updatedAt), desc(cases.id))
    .limit(limit + 1);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return { rows: page.map(({ cursorAt: _, ...row }) => row), nextCursor: more ? encodeCursor([last.cursorAt, last.id]) : null };
}

/** When the certificate's case bank last changed (§二.6: banks are kept up to date). */
export async function getCase(tx: Tx, ctx: TenantContext, id: string) {
  if (!isUuid(id)) return null;
  const [row] = await tx
    .select()
    .from(cases)
    .where(and(eq(cases.tenantId, ctx.tenant.id), eq(cases.id, id)))
    .limit(1);
  return row ?? null;
}

/** Creates a case (`id` null) or updates one; audited in the same transaction. */
export async function saveCase(tx: Tx, ctx: TenantContext, id: string | null, input: CaseInput) {
  const before = id ? await getCase(tx, ctx, id) : null;
  if (id && !before) throw new Response("Not found", { status: 404 });
  // A case's certificate, level and requirements follow the same rules as a question's.
  const fieldErrors = await checkPlacement(tx, ctx, input);
  if (Object.keys(fieldErrors).length) return { ok: false, status: 400, fieldErrors } as const;
  // Sharing to the library needs an admitted organization (decision 042; the trigger is the wall).
  const notAdmitted = input.visibility === "shared" && before?.visibility !== "shared" ? await requireAdmitted(tx, ctx) : null;
  if (notAdmitted) return notAdmitted;
  const values = {
    certificateId: input.certificateId,
    level: input.level,
    title: input.title,
    industryContext: input.industryContext,
    body: input.body,
    requirementIds: input.requirementIds,
    visibility: input.visibility,
  };
  const [saved] = before
    ? await tx
        .update(cases)
        .set(values)
        .where(and(eq(cases.tenantId, ctx.tenant.id), eq(cases.id, before.id)))
        .returning()
    : await tx
        .insert(cases)
        .values({ ...values, tenantId: ctx.tenant.id, createdByUserId: ctx.user.id })
        .returning();
  await audit(tx, ctx, { action: before ? "case.update" : "case.create", entityType: "case", entityId: saved.id, before, after: saved });
  return { ok: true, value: saved } as const;
}

export async function deleteCase(tx: Tx, ctx: TenantContext, id: string) {
  const before = await getCase(tx, ctx, id);
  if (!before) throw new Response("Not found", { status: 404 });
  await tx.delete(cases).where(and(eq(cases.tenantId, ctx.tenant.id), eq(cases.id, id)));
  await audit(tx, ctx, { action: "case.delete", entityType: "case", entityId: id, before });
}
