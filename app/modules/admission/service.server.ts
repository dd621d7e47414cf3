import { and, desc, eq, sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../../db/client.server";
import { tenantAdmissions, tenants } from "../../../db/schema";
import { translator, type Locale } from "~/i18n/i18n";
import { audit } from "~/modules/audit/audit.server";
import { enqueueEmail } from "~/modules/email/outbox.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import { isUuid } from "~/ui/ids";
import { cursorTime, decodeCursor, encodeCursor, isTimestamp, keysetAfter } from "~/ui/keyset.server";
import { appUrl } from "~/ui/url.server";
import type { AdmissionDecision, AdmissionStatus } from "./schemas";

// Admission of organizations and schools (§二.2, decision 042). The status lives on the tenant and
// changes only through decide_admission() in the database; the filing (credit code, business scope,
// proposed certificates) and the decision on it in tenant_admissions. The committee reads every
// filing (RLS: committee scope); only its admin decides.

export const admissionPageSize = 50;

type Failure = { ok: false; status: number; fieldErrors?: Record<string, string[]>; formErrors?: string[] };

const decisionOf = { admit: "admitted", refuse: "refused", suspend: "suspended", reinstate: "admitted" } as const;
const allowedFrom: Record<AdmissionDecision["intent"], AdmissionStatus> = { admit: "pending", refuse: "pending", suspend: "admitted", reinstate: "suspended" };

const listColumns = {
  tenantId: tenants.id,
  slug: tenants.slug,
  name: tenants.name,
  nameEn: tenants.nameEn,
  kind: tenants.kind,
  creditCode: tenants.creditCode,
  status: tenants.admission,
  filedAt: tenantAdmissions.filedAt,
  decidedAt: tenantAdmissions.decidedAt,
  reason: tenantAdmissions.reason,
  admissionId: tenantAdmissions.id,
};

/**
 * Every organization and school with its newest filing (a tenant that filed nothing, e.g. one created
 * before admission existed, shows no filing date), newest filing first; keyset pages.
 */
export async function listAdmissions(tx: Tx, options: { status?: AdmissionStatus; cursor?: string }, limit = admissionPageSize) {
  const filed = sql`coalesce(${tenantAdmissions.filedAt}, ${tenants.createdAt})`;
  const values = decodeCursor(options.cursor, [isTimestamp, isUuid]);
  const after = values
    ? keysetAfter(
        [
          { expr: filed, dir: "desc" as const, cast: sql`timestamptz` },
          { expr: sql`${tenants.id}`, dir: "desc" as const, cast: sql`uuid` },
        ],
        values,
      )
    : undefined;
  const rows = await tx
    .select({ ...listColumns, cursorAt: cursorTime(filed) })
    .from(tenants)
    .leftJoin(
      tenantAdmissions,
      and(
        eq(tenantAdmissions.tenantId, tenants.id),
        sql`${tenantAdmissions.id} = (select b.id from tenant_admissions b where b.tenant_id = ${tenants.id} order by b.filed_at desc, b.id desc limit 1)`,
      ),
    )
    .where(and(sql`${tenants.kind} <> 'committee'`, options.status ? eq(tenants.admission, options.status) : undefined, after))
    .orderBy(desc(filed), desc(tenants.id))
    .limit(limit + 1);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return { rows: page, nextCursor: more && last ? encodeCursor([last.cursorAt, last.tenantId]) : null };
}

/** One organization or school, its filings (newest first) and who filed them. */
export async function getAdmission(tx: Tx, tenantId: string) {
  if (!isUuid(tenantId)) return null;
  const [tenant] = await tx
    .select({
      id: tenants.id,
      slug: tenants.slug,
      name: tenants.name,
      nameEn: tenants.nameEn,
      kind: tenants.kind,
      creditCode: tenants.creditCode,
      status: tenants.admission,
      createdAt: tenants.createdAt,
    })
    .from(tenants)
    .where(and(eq(tenants.id, tenantId), sql`${tenants.kind} <> 'committee'`));
  if (!tenant) return null;
  const filings = await tx
    .select({
      id: tenantAdmissions.id,
      creditCode: tenantAdmissions.creditCode,
      businessScope: tenantAdmissions.businessScope,
      proposedCertificates: tenantAdmissions.proposedCertificates,
      filedAt: tenantAdmissions.filedAt,
      status: tenantAdmissions.status,
      reason: tenantAdmissions.reason,
      decidedAt: tenantAdmissions.decidedAt,
    })
    .from(tenantAdmissions)
    .where(eq(tenantAdmissions.tenantId, tenantId))
    .orderBy(desc(tenantAdmissions.filedAt), desc(tenantAdmissions.id));
  return { tenant, filings };
}

/** Whether the caller's tenant may publish, share and issue, and if not a message saying why. */
export async function admissionOf(tx: Tx, tenantId: string) {
  const [row] = await tx
    .select({ status: tenants.admission, reason: tenantAdmissions.reason })
    .from(tenants)
    .leftJoin(
      tenantAdmissions,
      and(
        eq(tenantAdmissions.tenantId, tenants.id),
        sql`${tenantAdmissions.id} = (select b.id from tenant_admissions b where b.tenant_id = ${tenants.id} order by b.filed_at desc, b.id desc limit 1)`,
      ),
    )
    .where(eq(tenants.id, tenantId));
  return { status: (row?.status ?? "pending") as AdmissionStatus, reason: row?.reason ?? "" };
}

/** A tenant's admission by its slug (public: the status of an organization is public, its filing is not). */
export async function admissionBySlug(tx: Tx, slug: string) {
  const [row] = await tx.select({ status: tenants.admission }).from(tenants).where(eq(tenants.slug, slug));
  return row?.status ?? null;
}

/** A 409 for what needs an admitted tenant (the database refuses it anyway: decision 042). */
export async function requireAdmitted(tx: Tx, ctx: TenantContext): Promise<Failure | null> {
  const { status } = await admissionOf(tx, ctx.tenant.id);
  if (status === "admitted") return null;
  const t = translator(ctx.locale);
  return { ok: false, status: 409, formErrors: [t("admission.notAdmitted", { status: t(`admission.status.${status}`) })] };
}

/** The committee admin's decision: through decide_admission(), audited, the applicant told by email. */
export async function decideAdmission(tx: Tx, ctx: TenantContext, tenantId: string, decision: AdmissionDecision) {
  const t = translator(ctx.locale);
  const found = await getAdmission(tx, tenantId);
  if (!found) throw new Response("Not found", { status: 404 });
  // Locked by the function; checked here first for a message in the user's language.
  if (found.tenant.status !== allowedFrom[decision.intent])
    return { ok: false, status: 409, formErrors: [t("admission.committee.detail.noTransition")] } as const;
  const to = decisionOf[decision.intent];
  await tx.execute(sql`select decide_admission(${tenantId}, ${to}::admission_status, ${decision.reason})`);
  await audit(tx, ctx, {
    action: `admission.${decision.intent}`,
    entityType: "tenant",
    entityId: tenantId,
    before: { admission: found.tenant.status },
    after: { admission: to, reason: decision.reason, tenant: found.tenant.slug },
  });
  // Every owner and admin of the applicant hears of it, each in their language (read through the
  // committee's own decision: memberships of another tenant are not the committee's to read).
  const recipients = await applicantContacts(tx, tenantId);
  for (const to_ of recipients) {
    const locale: Locale = to_.locale === "en" ? "en" : "zh-CN";
    await enqueueEmail(tx, {
      template: "admission-decision",
      to: to_.email,
      locale,
      props: { tenantName: found.tenant.name, decision: to, reason: decision.reason, workspaceUrl: appUrl(`/w/${found.tenant.slug}`) },
      meta: { tenantId },
    });
  }
  return { ok: true, value: { status: to, mailed: recipients.length } } as const;
}

/** Who filed (the owner or admin who signed up), or the tenant's owners and admins: read by a SECURITY DEFINER function. */
async function applicantContacts(tx: Tx, tenantId: string) {
  return rowsOf<{ email: string; locale: string }>(await tx.execute(sql`select email, locale from admission_contacts(${tenantId})`));
}
