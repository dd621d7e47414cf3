import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Tx } from "../../../db/client.server";
import { certificates, filingEvents, filings, pilotMajors, tenants } from "../../../db/schema";
import { translator } from "~/i18n/i18n";
import { audit } from "~/modules/audit/audit.server";
import { enqueueEmail } from "~/modules/email/outbox.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import { isUuid } from "~/ui/ids";
import { appUrl } from "~/ui/url.server";
import { fieldError, newestFirst, pageOf, pageSize, refuse, type Result } from "./common.server";
import type { FilingInput } from "./schemas";

// 申报备案 (§二.3): draft → submitted → returned (with comments) → resubmitted → approved | rejected;
// the national platform's record number is entered on approval (备案结果以教育部平台为准). The
// school's admin (the one office, 归口统一管理) files; the committee decides. filings_guard in the
// database is the state machine's wall; these functions answer with messages first.

export type FilingStatus = (typeof filings.$inferSelect)["status"];

/** The committee's queue: waiting for a decision (submitted, resubmitted) or already decided. */
export type FilingQueue = "pending" | "decided";
const queueStatuses: Record<FilingQueue, FilingStatus[]> = { pending: ["submitted", "resubmitted"], decided: ["returned", "approved", "rejected"] };

export async function listFilings(tx: Tx, ctx: TenantContext, options: { cursor?: string; all?: boolean; queue?: FilingQueue } = {}, limit = pageSize) {
  const keyset = newestFirst(filings.createdAt, filings.id, options.cursor);
  const rows = await tx
    .select({
      id: filings.id,
      cursorAt: keyset.cursorAt,
      schoolName: tenants.name,
      schoolSlug: tenants.slug,
      majorCode: pilotMajors.code,
      majorName: pilotMajors.name,
      certificateName: filings.certificateName,
      level: filings.level,
      status: filings.status,
      recordNumber: filings.recordNumber,
      submittedAt: filings.submittedAt,
      createdAt: filings.createdAt,
    })
    .from(filings)
    .innerJoin(tenants, eq(tenants.id, filings.tenantId))
    .innerJoin(pilotMajors, and(eq(pilotMajors.tenantId, filings.tenantId), eq(pilotMajors.id, filings.majorId)))
    // The committee sees every school's filings (but drafts); a school its own.
    .where(
      and(
        options.all ? sql`${filings.status} <> 'draft'` : eq(filings.tenantId, ctx.tenant.id),
        options.queue ? inArray(filings.status, queueStatuses[options.queue]) : undefined,
        keyset.after,
      ),
    )
    .orderBy(...keyset.order)
    .limit(limit + 1);
  return pageOf(rows, limit);
}

export async function getFiling(tx: Tx, ctx: TenantContext, id: string, options: { any?: boolean } = {}) {
  if (!isUuid(id)) return null;
  const [filing] = await tx
    .select({ filing: filings, majorCode: pilotMajors.code, majorName: pilotMajors.name, schoolName: tenants.name })
    .from(filings)
    .innerJoin(tenants, eq(tenants.id, filings.tenantId))
    .innerJoin(pilotMajors, and(eq(pilotMajors.tenantId, filings.tenantId), eq(pilotMajors.id, filings.majorId)))
    .where(and(options.any ? undefined : eq(filings.tenantId, ctx.tenant.id), eq(filings.id, id)));
  if (!filing) return null;
  const events = await tx
    .select()
    .from(filingEvents)
    .where(and(eq(filingEvents.tenantId, filing.filing.tenantId), eq(filingEvents.filingId, id)))
    .orderBy(asc(filingEvents.createdAt));
  return { ...filing, events };
}

async function checkSubject(tx: Tx, ctx: TenantContext, input: FilingInput): Promise<Result<{ organizationId: string; certificateName: string }>> {
  const [major] = await tx
    .select({ id: pilotMajors.id })
    .from(pilotMajors)
    .where(and(eq(pilotMajors.tenantId, ctx.tenant.id), eq(pilotMajors.id, input.majorId)));
  if (!major) return fieldError(ctx, "majorId", "errors.invalidOption");
  const [certificate] = await tx
    .select({ organizationId: certificates.tenantId, nameZh: certificates.nameZh, levels: certificates.levels })
    .from(certificates)
    .where(and(eq(certificates.id, input.certificateId), eq(certificates.status, "active")));
  if (!certificate) return fieldError(ctx, "certificateId", "errors.invalidOption");
  if (!certificate.levels.includes(input.level)) return fieldError(ctx, "level", "school.adoptions.levelNotOffered");
  return { ok: true, value: { organizationId: certificate.organizationId, certificateName: certificate.nameZh } };
}

export async function createFiling(tx: Tx, ctx: TenantContext, input: FilingInput): Promise<Result<{ id: string }>> {
  const subject = await checkSubject(tx, ctx, input);
  if (!subject.ok) return subject;
  const [filing] = await tx
    .insert(filings)
    .values({ tenantId: ctx.tenant.id, ...input, ...subject.value, locale: ctx.locale, createdByUserId: ctx.user.id })
    .returning({ id: filings.id });
  await tx
    .insert(filingEvents)
    .values({ tenantId: ctx.tenant.id, filingId: filing.id, fromStatus: null, toStatus: "draft", actorUserId: ctx.user.id, actorSide: "school" });
  await audit(tx, ctx, { action: "filing.create", entityType: "filing", entityId: filing.id, after: input });
  return { ok: true, value: filing };
}

async function lockFiling(tx: Tx, tenantId: string, id: string) {
  const [filing] = await tx
    .select()
    .from(filings)
    .where(and(eq(filings.tenantId, tenantId), eq(filings.id, id)))
    .for("update");
  if (!filing) throw new Response("Not found", { status: 404 });
  return filing;
}

/** The school edits a draft or a returned filing. */
export async function updateFiling(tx: Tx, ctx: TenantContext, id: string, input: FilingInput): Promise<Result<{ id: string }>> {
  const filing = await lockFiling(tx, ctx.tenant.id, id);
  if (filing.status !== "draft" && filing.status !== "returned") return refuse(ctx, 409, "school.filings.notEditable");
  const subject = await checkSubject(tx, ctx, input);
  if (!subject.ok) return subject;
  await tx
    .update(filings)
    .set({ ...input, ...subject.value })
    .where(and(eq(filings.tenantId, ctx.tenant.id), eq(filings.id, id)));
  await audit(tx, ctx, { action: "filing.update", entityType: "filing", entityId: id, before: filing, after: input });
  return { ok: true, value: { id } };
}

/** Draft → submitted, returned → resubmitted. */
export async function submitFiling(tx: Tx, ctx: TenantContext, id: string): Promise<Result<{ id: string }>> {
  const filing = await lockFiling(tx, ctx.tenant.id, id);
  const to = filing.status === "draft" ? "submitted" : filing.status === "returned" ? "resubmitted" : null;
  if (!to) return refuse(ctx, 409, "school.filings.notSubmittable");
  await tx
    .update(filings)
    .set({ status: to, submittedAt: new Date() })
    .where(and(eq(filings.tenantId, ctx.tenant.id), eq(filings.id, id)));
  await tx
    .insert(filingEvents)
    .values({ tenantId: ctx.tenant.id, filingId: id, fromStatus: filing.status, toStatus: to, actorUserId: ctx.user.id, actorSide: "school" });
  await audit(tx, ctx, {
    action: to === "submitted" ? "filing.submit" : "filing.resubmit",
    entityType: "filing",
    entityId: id,
    before: { status: filing.status },
    after: { status: to },
  });
  return { ok: true, value: { id } };
}

const decisionStatus = { approve: "approved", return: "returned", reject: "rejected" } as const;

/**
 * The committee's action on a submitted or resubmitted filing: approve (with the national record
 * number), return with comments, or reject. The school is told by email.
 */
export async function decideFiling(
  tx: Tx,
  ctx: TenantContext,
  id: string,
  decision: { intent: "approve" | "return" | "reject"; comment: string; recordNumber?: string },
): Promise<Result<{ id: string }>> {
  if (!isUuid(id)) throw new Response("Not found", { status: 404 });
  const [found] = await tx.select({ tenantId: filings.tenantId }).from(filings).where(eq(filings.id, id));
  if (!found) throw new Response("Not found", { status: 404 });
  const filing = await lockFiling(tx, found.tenantId, id);
  if (filing.status !== "submitted" && filing.status !== "resubmitted") return refuse(ctx, 409, "school.filings.notUnderReview");
  const to = decisionStatus[decision.intent];
  await tx
    .update(filings)
    .set({ status: to, decidedAt: to === "returned" ? null : new Date(), recordNumber: to === "approved" ? decision.recordNumber : filing.recordNumber })
    .where(and(eq(filings.tenantId, filing.tenantId), eq(filings.id, id)));
  await tx.insert(filingEvents).values({
    tenantId: filing.tenantId,
    filingId: id,
    fromStatus: filing.status,
    toStatus: to,
    comment: decision.comment,
    actorUserId: ctx.user.id,
    actorSide: "committee",
  });
  await audit(tx, ctx, {
    action: `filing.${decision.intent}`,
    entityType: "filing",
    entityId: id,
    before: { status: filing.status },
    after: { status: to, comment: decision.comment, recordNumber: decision.recordNumber ?? null, school: filing.tenantId },
  });
  const [school] = await tx.select({ slug: tenants.slug }).from(tenants).where(eq(tenants.id, filing.tenantId));
  const locale = filing.locale === "en" ? "en" : "zh-CN";
  const t = translator(locale);
  await enqueueEmail(tx, {
    template: "filing-status",
    to: filing.contactEmail,
    locale,
    props: {
      certificate: `${filing.certificateName} · ${t(`certificates.levelNames.${filing.level}`)}`,
      status: t(`school.filings.statuses.${to}`),
      comment: decision.comment,
      recordNumber: to === "approved" ? (decision.recordNumber ?? "") : "",
      filingUrl: appUrl(`/w/${school?.slug ?? ""}/filings/${id}`),
    },
  });
  return { ok: true, value: { id } };
}
