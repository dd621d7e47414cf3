import { and, asc, desc, eq, sql } from "drizzle-orm";
import { type Tx } from "../../../db/client.server";
import { certificates, credentialHolders, credentials, feeDisclosures, tenants, trainingEnrolments, trainingSessions } from "../../../db/schema";
import { translator } from "~/i18n/i18n";
import { audit } from "~/modules/audit/audit.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import { isUuid } from "~/ui/ids";
import { hashIdNumber } from "./keys.server";
import type { EnrolmentInput, TrainingSessionInput } from "./schemas";
import { nextNumber } from "./service.server";

// 师资培训 (issue 16 item 9, §二.6): an organization lists teacher-training sessions, always voluntary;
// a school's admin enrols its teachers; the organization marks an enrolment completed and may create
// a draft credential for the teacher at once, which it issues later from the register.

type FieldErrors = Record<string, string[]>;
type Result<T> = { ok: true; value: T } | { ok: false; status: 400; fieldErrors: FieldErrors };
const fail = (fieldErrors: FieldErrors) => ({ ok: false, status: 400, fieldErrors }) as const;

const pageSize = 100;

/** Sessions: the organization's own, or (a school) every organization's not cancelled, soonest first. */
export async function listTrainingSessions(tx: Tx, ctx: TenantContext) {
  const own = ctx.tenant.kind === "organization";
  return tx
    .select({
      id: trainingSessions.id,
      organization: tenants.name,
      organizationId: trainingSessions.tenantId,
      title: trainingSessions.title,
      certificateCode: certificates.code,
      certificateName: certificates.nameZh,
      levels: trainingSessions.levels,
      role: trainingSessions.role,
      startsOn: trainingSessions.startsOn,
      endsOn: trainingSessions.endsOn,
      mode: trainingSessions.mode,
      place: trainingSessions.place,
      capacity: trainingSessions.capacity,
      cancelled: trainingSessions.cancelled,
      feeFen: feeDisclosures.amountFen,
      feeUnit: feeDisclosures.unit,
      enrolled: sql<number>`(select count(*)::int from training_enrolments e where e.tenant_id = ${trainingSessions.tenantId} and e.session_id = ${trainingSessions.id} and e.status <> 'withdrawn')`,
    })
    .from(trainingSessions)
    .innerJoin(tenants, eq(tenants.id, trainingSessions.tenantId))
    .innerJoin(certificates, and(eq(certificates.tenantId, trainingSessions.tenantId), eq(certificates.id, trainingSessions.certificateId)))
    .leftJoin(feeDisclosures, and(eq(feeDisclosures.tenantId, trainingSessions.tenantId), eq(feeDisclosures.id, trainingSessions.feeDisclosureId)))
    .where(own ? eq(trainingSessions.tenantId, ctx.tenant.id) : eq(trainingSessions.cancelled, false))
    .orderBy(desc(trainingSessions.startsOn), asc(trainingSessions.id))
    .limit(pageSize);
}

/** Enrolments the scope may see: an organization's in its sessions, a school's own teachers. */
export function listEnrolments(tx: Tx, ctx: TenantContext) {
  const own = ctx.tenant.kind === "organization";
  return tx
    .select({
      id: trainingEnrolments.id,
      sessionId: trainingEnrolments.sessionId,
      sessionTitle: trainingSessions.title,
      school: tenants.name,
      teacherName: trainingEnrolments.teacherName,
      idLast4: trainingEnrolments.idLast4,
      contact: trainingEnrolments.contact,
      status: trainingEnrolments.status,
      credentialId: trainingEnrolments.credentialId,
      createdAt: trainingEnrolments.createdAt,
    })
    .from(trainingEnrolments)
    .innerJoin(trainingSessions, and(eq(trainingSessions.tenantId, trainingEnrolments.tenantId), eq(trainingSessions.id, trainingEnrolments.sessionId)))
    .innerJoin(tenants, eq(tenants.id, trainingEnrolments.schoolTenantId))
    .where(own ? eq(trainingEnrolments.tenantId, ctx.tenant.id) : eq(trainingEnrolments.schoolTenantId, ctx.tenant.id))
    .orderBy(desc(trainingEnrolments.createdAt), asc(trainingEnrolments.id))
    .limit(500);
}

/** The organization's published teacher-training fee disclosures a session can name. */
export function teacherTrainingFees(tx: Tx, ctx: TenantContext) {
  return tx
    .select({
      id: feeDisclosures.id,
      certificateCode: certificates.code,
      level: feeDisclosures.level,
      amountFen: feeDisclosures.amountFen,
      unit: feeDisclosures.unit,
    })
    .from(feeDisclosures)
    .innerJoin(certificates, and(eq(certificates.tenantId, feeDisclosures.tenantId), eq(certificates.id, feeDisclosures.certificateId)))
    .where(and(eq(feeDisclosures.tenantId, ctx.tenant.id), eq(feeDisclosures.kind, "teacher_training"), eq(feeDisclosures.status, "published")))
    .orderBy(asc(certificates.code), asc(feeDisclosures.level));
}

export async function createTrainingSession(tx: Tx, ctx: TenantContext, input: TrainingSessionInput): Promise<Result<{ id: string }>> {
  const t = translator(ctx.locale);
  const errors: FieldErrors = {};
  const [certificate] = await tx
    .select({ levels: certificates.levels })
    .from(certificates)
    .where(and(eq(certificates.tenantId, ctx.tenant.id), eq(certificates.id, input.certificateId)));
  if (!certificate) errors.certificateId = [t("errors.invalidOption")];
  else if (input.levels.some((l) => !certificate.levels.includes(l))) errors.levels = [t("errors.levelNotOffered")];
  if (input.endsOn < input.startsOn) errors.endsOn = [t("credentials.training.endsBeforeStart")];
  if (input.mode === "onsite" && !input.place) errors.place = [t("credentials.training.placeNeeded")];
  if (input.feeDisclosureId) {
    const fees = await teacherTrainingFees(tx, ctx);
    if (!fees.some((f) => f.id === input.feeDisclosureId)) errors.feeDisclosureId = [t("credentials.training.feeKind")];
  }
  if (Object.keys(errors).length) return fail(errors);
  const [saved] = await tx
    .insert(trainingSessions)
    .values({ tenantId: ctx.tenant.id, ...input, feeDisclosureId: input.feeDisclosureId ?? null, createdByUserId: ctx.user.id })
    .returning();
  await audit(tx, ctx, { action: "training_session.create", entityType: "training_session", entityId: saved.id, after: saved });
  return { ok: true, value: { id: saved.id } };
}

export async function cancelTrainingSession(tx: Tx, ctx: TenantContext, sessionId: string): Promise<Result<{ id: string }>> {
  const t = translator(ctx.locale);
  const [saved] = await tx
    .update(trainingSessions)
    .set({ cancelled: true })
    .where(and(eq(trainingSessions.tenantId, ctx.tenant.id), eq(trainingSessions.id, sessionId), eq(trainingSessions.cancelled, false)))
    .returning();
  if (!saved) return fail({ sessionId: [t("errors.invalidOption")] });
  await audit(tx, ctx, { action: "training_session.cancel", entityType: "training_session", entityId: sessionId, after: { cancelled: true } });
  return { ok: true, value: { id: sessionId } };
}

/** A school's admin enrols one of its teachers (the ID kept as the holders' keyed hash and last 4). */
export async function enrolTeacher(tx: Tx, ctx: TenantContext, input: EnrolmentInput): Promise<Result<{ id: string }>> {
  const t = translator(ctx.locale);
  const [session] = await tx
    .select({ tenantId: trainingSessions.tenantId, capacity: trainingSessions.capacity })
    .from(trainingSessions)
    .where(and(eq(trainingSessions.id, input.sessionId), eq(trainingSessions.cancelled, false)))
    .limit(1);
  if (!session) return fail({ sessionId: [t("errors.invalidOption")] });
  const idHash = hashIdNumber(input.idNumber);
  const [already] = await tx
    .select({ id: trainingEnrolments.id })
    .from(trainingEnrolments)
    .where(and(eq(trainingEnrolments.tenantId, session.tenantId), eq(trainingEnrolments.sessionId, input.sessionId), eq(trainingEnrolments.idHash, idHash)));
  if (already) return fail({ idNumber: [t("credentials.training.alreadyEnrolled")] });
  const [{ n }] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(trainingEnrolments)
    .where(
      and(
        eq(trainingEnrolments.tenantId, session.tenantId),
        eq(trainingEnrolments.sessionId, input.sessionId),
        sql`${trainingEnrolments.status} <> 'withdrawn'`,
      ),
    );
  if (Number(n) >= session.capacity) return fail({ sessionId: [t("credentials.training.full")] });
  const [saved] = await tx
    .insert(trainingEnrolments)
    .values({
      tenantId: session.tenantId,
      sessionId: input.sessionId,
      schoolTenantId: ctx.tenant.id,
      teacherName: input.teacherName,
      idHash,
      idLast4: input.idNumber.slice(-4),
      contact: input.contact,
      createdByUserId: ctx.user.id,
    })
    .returning({ id: trainingEnrolments.id });
  const logged = { sessionId: input.sessionId, organizationId: session.tenantId, teacherName: input.teacherName, idLast4: input.idNumber.slice(-4) };
  // In the school's log (who enrolled) and the organization's (who was enrolled in its session).
  await audit(tx, ctx, { action: "training_enrolment.create", entityType: "training_enrolment", entityId: saved.id, after: logged });
  return { ok: true, value: saved };
}

/**
 * The organization marks an enrolment completed; with `draft`, the teacher becomes a holder (a school
 * teacher employed by the enrolling school) with a draft credential for the session's certificate, role
 * and levels, valid `validYears` from today once issued.
 */
export async function completeEnrolment(
  tx: Tx,
  ctx: TenantContext,
  enrolmentId: string,
  options: { draft: boolean; validYears: number; today: string },
): Promise<Result<{ id: string; credentialId: string | null }>> {
  const t = translator(ctx.locale);
  if (!isUuid(enrolmentId)) return fail({ enrolmentId: [t("errors.invalidOption")] });
  const [found] = await tx
    .select({ enrolment: trainingEnrolments, session: trainingSessions })
    .from(trainingEnrolments)
    .innerJoin(trainingSessions, and(eq(trainingSessions.tenantId, trainingEnrolments.tenantId), eq(trainingSessions.id, trainingEnrolments.sessionId)))
    .where(and(eq(trainingEnrolments.tenantId, ctx.tenant.id), eq(trainingEnrolments.id, enrolmentId)));
  if (!found || found.enrolment.status !== "enrolled") return fail({ enrolmentId: [t("errors.invalidOption")] });
  const { enrolment, session } = found;
  let credentialId: string | null = null;
  if (options.draft) {
    const [holder] = await tx
      .insert(credentialHolders)
      .values({
        tenantId: ctx.tenant.id,
        name: enrolment.teacherName,
        idHash: enrolment.idHash,
        idLast4: enrolment.idLast4,
        source: "school_teacher",
        employerTenantId: enrolment.schoolTenantId,
        contact: enrolment.contact,
      })
      .onConflictDoUpdate({ target: [credentialHolders.tenantId, credentialHolders.idHash], set: { updatedAt: sql`now()` } })
      .returning({ id: credentialHolders.id });
    const expires = `${Number(options.today.slice(0, 4)) + options.validYears}${options.today.slice(4)}`;
    const [credential] = await tx
      .insert(credentials)
      .values({
        tenantId: ctx.tenant.id,
        holderId: holder.id,
        role: session.role,
        certificateId: session.certificateId,
        levels: session.levels,
        number: await nextNumber(tx, options.today),
        issuedOn: options.today,
        expiresOn: expires.endsWith("-02-29") ? expires.replace("-02-29", "-02-28") : expires,
        status: "draft",
      })
      .returning();
    credentialId = credential.id;
    await audit(tx, ctx, {
      action: "credential.create",
      entityType: "credential",
      entityId: credential.id,
      after: { ...credential, fromEnrolment: enrolmentId },
    });
  }
  await tx
    .update(trainingEnrolments)
    .set({ status: "completed", completedAt: new Date(), credentialId })
    .where(and(eq(trainingEnrolments.tenantId, ctx.tenant.id), eq(trainingEnrolments.id, enrolmentId)));
  await audit(tx, ctx, {
    action: "training_enrolment.complete",
    entityType: "training_enrolment",
    entityId: enrolmentId,
    before: { status: "enrolled" },
    after: { status: "completed", credentialId },
  });
  return { ok: true, value: { id: enrolmentId, credentialId } };
}
