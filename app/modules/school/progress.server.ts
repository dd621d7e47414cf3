import { and, desc, eq, sql } from "drizzle-orm";
import type { Tx } from "../../../db/client.server";
import { memberships, progressReportReminders, progressReports, reportPeriods, tenants, users } from "../../../db/schema";
import { isLocale, translator, type Locale } from "~/i18n/i18n";
import { audit } from "~/modules/audit/audit.server";
import { enqueueEmail } from "~/modules/email/outbox.server";
import type { Rescope, TenantContext } from "~/modules/tenancy/context.server";
import { addDays, formatDay, shanghaiDate } from "~/ui/format";
import { isUuid } from "~/ui/ids";
import { refuse, type Result } from "./common.server";
import type { ProgressInput } from "./schemas";

// 动态定期报送 (§三.2): one report per school and period. Default periods are the semesters, due
// 15 January and 15 July (the committee may move them later). Reminders go 14 and 3 days before the
// due day, each once per school and period: the reminder row is inserted in the transaction that
// enqueues the emails, so a second run (another server, a restart) finds it and sends nothing.

export const reminderDays = [14, 3] as const;

/** The default period containing a day: autumn (Sep–Jan, due 15 Jan) or spring (Feb–Aug, due 15 Jul). */
export function semesterOf(day: string) {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  if (month >= 9) return { code: `${year}-${year + 1}-1`, startsOn: `${year}-09-01`, endsOn: `${year + 1}-01-31`, dueOn: `${year + 1}-01-15` };
  if (month === 1) return { code: `${year - 1}-${year}-1`, startsOn: `${year - 1}-09-01`, endsOn: `${year}-01-31`, dueOn: `${year}-01-15` };
  return { code: `${year - 1}-${year}-2`, startsOn: `${year}-02-01`, endsOn: `${year}-08-31`, dueOn: `${year}-07-15` };
}

/** The semester of today and the next one exist as periods (an existing code is left as it is). */
export async function ensurePeriods(tx: Tx, today = shanghaiDate()) {
  const current = semesterOf(today);
  const next = semesterOf(addDays(current.endsOn, 1));
  await tx.insert(reportPeriods).values([current, next]).onConflictDoNothing();
}

/** "2026-2027-1" → "2026–2027 学年第一学期" / "2026–2027, semester 1". */
export function periodName(code: string, locale: Locale) {
  const match = /^(\d{4})-(\d{4})-([12])$/.exec(code);
  if (!match) return code;
  return translator(locale)("school.progress.periodName", {
    from: match[1],
    to: match[2],
    semester: translator(locale)(`school.progress.semester${match[3]}`),
  });
}

/** Every period (newest due first) with the school's report and whether it is late. */
export async function periodsWithReports(tx: Tx, ctx: TenantContext) {
  const today = shanghaiDate();
  const rows = await tx
    .select({
      period: reportPeriods,
      report: { id: progressReports.id, status: progressReports.status, late: progressReports.late, submittedAt: progressReports.submittedAt },
    })
    .from(reportPeriods)
    .leftJoin(progressReports, and(eq(progressReports.tenantId, ctx.tenant.id), eq(progressReports.periodId, reportPeriods.id)))
    .orderBy(desc(reportPeriods.dueOn))
    .limit(100);
  return rows.map((row) => {
    const submitted = row.report?.status === "submitted";
    const late = submitted ? Boolean(row.report?.late) : today > row.period.dueOn;
    return { ...row, name: periodName(row.period.code, ctx.locale), state: submitted ? "submitted" : row.report ? "draft" : "not_started", late };
  });
}

export async function getReport(tx: Tx, ctx: TenantContext, periodId: string) {
  if (!isUuid(periodId)) return null;
  const [period] = await tx.select().from(reportPeriods).where(eq(reportPeriods.id, periodId));
  if (!period) return null;
  const [report] = await tx
    .select()
    .from(progressReports)
    .where(and(eq(progressReports.tenantId, ctx.tenant.id), eq(progressReports.periodId, periodId)));
  return { period, name: periodName(period.code, ctx.locale), report: report ?? null };
}

/** Saves the draft, or submits it (late when submitted after the due day, Asia/Shanghai). A submitted report is final. */
export async function saveReport(tx: Tx, ctx: TenantContext, periodId: string, input: ProgressInput): Promise<Result<{ id: string }>> {
  const found = await getReport(tx, ctx, periodId);
  if (!found) throw new Response("Not found", { status: 404 });
  if (found.report?.status === "submitted") return refuse(ctx, 409, "school.progress.alreadySubmitted");
  const { intent, ...fields } = input;
  const submit = intent === "submit";
  const late = submit && shanghaiDate() > found.period.dueOn;
  const values = { ...fields, status: submit ? ("submitted" as const) : ("draft" as const), late, submittedAt: submit ? new Date() : null };
  const [report] = await tx
    .insert(progressReports)
    .values({ tenantId: ctx.tenant.id, periodId, createdByUserId: ctx.user.id, ...values })
    .onConflictDoUpdate({ target: [progressReports.tenantId, progressReports.periodId], set: values })
    .returning({ id: progressReports.id });
  await audit(tx, ctx, {
    action: submit ? "progress_report.submit" : "progress_report.save",
    entityType: "progress_report",
    entityId: report.id,
    before: found.report,
    after: { periodId, ...values },
  });
  return { ok: true, value: report };
}

/**
 * The scheduler's job (system scope): keeps the default periods ahead, then sends each school whose
 * report is not submitted the reminder due today or earlier (14 days before, then 3), once each.
 */
export async function sendProgressReminders(tx: Tx, rescope: Rescope, now = new Date()) {
  const today = shanghaiDate(now);
  await ensurePeriods(tx, today);
  const periods = await tx
    .select()
    .from(reportPeriods)
    .where(and(sql`${reportPeriods.dueOn} >= ${today}::date`, sql`${reportPeriods.dueOn} <= ${addDays(today, 14)}::date`));
  const schools = await tx.select({ id: tenants.id, name: tenants.name, slug: tenants.slug }).from(tenants).where(eq(tenants.kind, "school"));
  let sent = 0;
  for (const period of periods) {
    // The nearest threshold reached: 3 days before once inside three days, else 14 (a 14-day
    // reminder missed while the server was down is not sent after the 3-day one).
    const daysLeft = Math.round((Date.parse(period.dueOn) - Date.parse(today)) / 86_400_000);
    const daysBefore = daysLeft <= 3 ? 3 : 14;
    for (const school of schools) {
      await rescope({ tenantId: school.id, tenantKind: "school", role: "system" });
      const [report] = await tx
        .select({ status: progressReports.status })
        .from(progressReports)
        .where(and(eq(progressReports.tenantId, school.id), eq(progressReports.periodId, period.id)));
      if (report?.status === "submitted") continue;
      const claimed = await tx
        .insert(progressReportReminders)
        .values({ tenantId: school.id, periodId: period.id, daysBefore })
        .onConflictDoNothing()
        .returning();
      if (!claimed.length) continue;
      const admins = await tx
        .select({ email: users.email, locale: users.locale })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(and(eq(memberships.tenantId, school.id), eq(memberships.role, "admin")));
      for (const admin of admins) {
        const locale = isLocale(admin.locale) ? admin.locale : "zh-CN";
        await enqueueEmail(tx, {
          template: "progress-reminder",
          to: admin.email,
          locale,
          props: {
            school: school.name,
            period: periodName(period.code, locale),
            dueOn: formatDay(period.dueOn, locale),
            daysLeft,
            reportUrl: `${process.env.APP_URL ?? `http://localhost:${process.env.PORT ?? 3000}`}/w/${school.slug}/progress/${period.id}`,
          },
        });
        sent++;
      }
    }
  }
  await rescope({ role: "system" });
  return { sent };
}
