import { sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../../db/client.server";
import { cases, materials, questions } from "../../../db/schema";
import { translator } from "~/i18n/i18n";
import { auditRowsForDisplay, listAudit } from "~/modules/audit/audit.server";
import { findingSummary } from "~/modules/committee/digest.server";
import { industryShares } from "~/modules/credentials/service.server";
import { feeFindings, type Finding } from "~/modules/committee/fee-audit.server";
import { feesInForce, upcomingFees, type PublicFeeRow } from "~/modules/fees/public.server";
import { listImportJobs } from "~/modules/imports/jobs.server";
import { listOrders } from "~/modules/payments/orders.server";
import { bankCertificates, coverage } from "~/modules/banks/service.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import type { Permission } from "~/modules/tenancy/permissions";
import { listMembers } from "~/modules/tenancy/service.server";

// The workspace overview: what an administrator checks every morning, each figure read by the same
// service as the page it links to, and each section only for roles that may open that page. One
// transaction (the request's); reads that do not wait on each other are sent together.

/** Fees and announcements shown; the fee page has the rest. */
const feesShown = 50;
const findingsShown = 20;
const ordersShown = 5;
const recentShown = 5;

type BankName = "questions" | "cases" | "materials";

interface BankCount {
  certificateId: string;
  bank: BankName;
  items: number;
  practice: number;
  exam: number;
  updated: string | null;
}

/** Each bank's size and newest change per certificate (the same newest row bankUpdatedAt reads). */
async function bankCounts(tx: Tx, ctx: TenantContext): Promise<BankCount[]> {
  const tenant = ctx.tenant.id;
  const rows = rowsOf<BankCount>(
    await tx.execute(sql`
      select ${questions.certificateId} as "certificateId", 'questions' as bank, count(*)::int as items,
        (count(*) filter (where ${questions.pool} = 'practice'))::int as practice, (count(*) filter (where ${questions.pool} = 'exam'))::int as exam,
        max(${questions.updatedAt}) as updated
      from ${questions} where ${questions.tenantId} = ${tenant} group by 1
      union all
      select ${cases.certificateId}, 'cases', count(*)::int, 0, 0, max(${cases.updatedAt}) from ${cases} where ${cases.tenantId} = ${tenant} group by 1
      union all
      select ${materials.certificateId}, 'materials', count(*)::int, 0, 0, max(${materials.updatedAt}) from ${materials} where ${materials.tenantId} = ${tenant} group by 1`),
  );
  return rows.map((row) => ({
    ...row,
    items: Number(row.items),
    practice: Number(row.practice),
    exam: Number(row.exam),
    updated: row.updated ? new Date(row.updated).toISOString() : null,
  }));
}

const newest = (a: string | null, b: string | null) => (a && b ? (a > b ? a : b) : (a ?? b));

/** The banks per certificate with the coverage page's figures, and each bank's total. */
async function banks(tx: Tx, ctx: TenantContext) {
  // One read shared by two waiters (a query builder would run again for each `then`).
  const certificatesRead = bankCertificates(tx, ctx).then((rows) => rows);
  // Coverage per certificate starts as soon as the certificates are known, alongside the counts.
  const [certificates, counts, reports] = await Promise.all([
    certificatesRead,
    bankCounts(tx, ctx),
    certificatesRead.then((list) => Promise.all(list.map((c) => coverage(tx, ctx, c.id)))),
  ]);
  const count = (certificateId: string | null, bank: BankName) =>
    counts.filter((c) => c.bank === bank && (certificateId === null || c.certificateId === certificateId));
  const sum = (rows: BankCount[], field: "items" | "practice" | "exam") => rows.reduce((total, row) => total + row[field], 0);
  const updated = (rows: BankCount[]) => rows.reduce<string | null>((at, row) => newest(at, row.updated), null);
  const bankSummary = (certificateId: string | null) => {
    const [q, k, m] = [count(certificateId, "questions"), count(certificateId, "cases"), count(certificateId, "materials")];
    return {
      questions: { items: sum(q, "items"), practice: sum(q, "practice"), exam: sum(q, "exam"), updated: updated(q) },
      cases: { items: sum(k, "items"), updated: updated(k) },
      materials: { items: sum(m, "items"), updated: updated(m) },
    };
  };
  return {
    totals: bankSummary(null),
    certificates: certificates.map((certificate, i) => {
      const report = reports[i];
      return {
        id: certificate.id,
        code: certificate.code,
        nameZh: certificate.nameZh,
        nameEn: certificate.nameEn,
        ...bankSummary(certificate.id),
        requirements: report.requirements.length,
        withoutPractice: report.requirements.filter((r) => r.practice === 0).length,
        uncovered: report.uncovered.length,
      };
    }),
  };
}

/** The organization's fees in force today and its announced changes, as the public list has them. */
async function fees(tx: Tx, ctx: TenantContext) {
  const filter = { organization: ctx.tenant.slug };
  const [inForce, announced] = await Promise.all([feesInForce(tx, filter, ctx.locale, feesShown), upcomingFees(tx, filter, ctx.locale, feesShown + 1)]);
  const key = (fee: PublicFeeRow) => `${fee.certificateCode}:${fee.level}:${fee.kind}`;
  const current = new Map(inForce.rows.map((fee) => [key(fee), fee.amountFen]));
  return {
    asOf: inForce.asOf,
    inForce: inForce.rows,
    moreInForce: inForce.nextCursor !== null,
    // An announcement replaces the fee of its key in force today, if there is one.
    announced: announced.slice(0, feesShown).map((fee) => ({ ...fee, currentFen: current.get(key(fee)) ?? null })),
    moreAnnounced: announced.length > feesShown,
  };
}

/** The committee's findings about this organization, each with where to look inside the workspace. */
async function findings(tx: Tx, ctx: TenantContext) {
  const t = translator(ctx.locale);
  const all = await feeFindings(tx, { tenantId: ctx.tenant.id });
  const link = (finding: Finding) =>
    finding.entityType === "fee_disclosure"
      ? `/w/${ctx.tenant.slug}/fees/${finding.entityId}`
      : ctx.permissions.includes("orders:read")
        ? `/w/${ctx.tenant.slug}/orders/${finding.entityId}`
        : null;
  return {
    total: all.length,
    rows: all.slice(0, findingsShown).map((finding) => ({
      key: finding.key,
      type: finding.type,
      at: finding.at,
      summary: findingSummary(t, finding, ctx.locale),
      link: link(finding),
    })),
  };
}

const running = new Set(["queued", "validating", "importing"]);

/** Imports that need a look: those running, and those failed with no import of the bank done since. */
async function imports(tx: Tx, ctx: TenantContext) {
  const jobs = await listImportJobs(tx, ctx); // newest first
  const doneSince = new Set<string>();
  const shown: (typeof jobs)[number][] = [];
  for (const job of jobs) {
    if (job.status === "done") doneSince.add(job.kind);
    else if (running.has(job.status) || (job.status === "failed" && !doneSince.has(job.kind))) shown.push(job);
  }
  return shown.map((job) => ({ id: job.id, kind: job.kind, fileName: job.fileName, status: job.status, createdAt: job.createdAt }));
}

/** A school's latest orders. */
async function orders(tx: Tx, ctx: TenantContext) {
  const rows = await listOrders(tx, ctx, ordersShown);
  return rows.map((row) => ({
    id: row.order.id,
    number: row.order.number,
    certificateCode: row.certificateCode,
    level: row.order.level,
    examDate: row.order.examDate,
    totalFen: row.order.totalFen,
    status: row.order.status,
  }));
}

/** Everything the overview of this workspace shows to this member; `null`: a section not shown. */
export async function workspaceOverview(tx: Tx, ctx: TenantContext) {
  const can = (permission: Permission) => ctx.permissions.includes(permission);
  const organization = ctx.tenant.kind === "organization";
  const t = translator(ctx.locale);
  const [memberCount, recent, bankSection, feeSection, findingSection, importSection, orderSection, shareSection] = await Promise.all([
    can("members:read") ? listMembers(tx, ctx).then((rows) => rows.length) : null,
    can("audit:read") ? listAudit(tx, ctx.tenant.id, { limit: recentShown }).then(({ rows }) => auditRowsForDisplay(t, rows)) : null,
    organization && can("certificates:read") ? banks(tx, ctx) : null,
    organization && can("fees:read") ? fees(tx, ctx) : null,
    // Findings are answered by those who publish the fees (and confirm the orders they are about).
    organization && can("fees:publish") ? findings(tx, ctx) : null,
    organization && can("certificates:write") ? imports(tx, ctx) : null,
    ctx.tenant.kind === "school" && can("orders:read") ? orders(tx, ctx) : null,
    // The 40% industry share of trainers (§二.10), flagged with the number still needed.
    organization && can("credentials:read") ? industryShares(tx, ctx) : null,
  ]);
  return {
    kind: ctx.tenant.kind,
    memberCount,
    recent,
    banks: bankSection,
    fees: feeSection,
    findings: findingSection,
    imports: importSection,
    orders: orderSection,
    industryShares: shareSection,
    can: {
      writeBanks: can("certificates:write"),
      publishFees: can("fees:publish"),
      createOrders: can("orders:create"),
      committee: ctx.tenant.kind === "committee" && can("committee:audit"),
    },
  };
}
