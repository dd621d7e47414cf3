import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Tx } from "../../../db/client.server";
import { findingNotices, memberships, tenants, users } from "../../../db/schema";
import { isLocale, translator } from "~/i18n/i18n";
import { enqueueEmail } from "~/modules/email/outbox.server";
import type { Rescope } from "~/modules/tenancy/context.server";
import { formatFen } from "~/ui/format";
import { appUrl } from "~/ui/url.server";
import { feeFindings, type Finding } from "./fee-audit.server";

function summary(t: (key: string, options?: Record<string, unknown>) => string, finding: Finding, locale: "zh-CN" | "en") {
  const money = (fen: number | null) => (fen === null ? "—" : formatFen(fen, locale));
  return t(`committee.findingSummary.${finding.type}`, {
    reference: finding.reference,
    actual: money(finding.actualFen),
    expected: money(finding.expectedFen),
    given: finding.noticeGiven,
    required: finding.noticeRequired,
  });
}

/**
 * The weekly digest: findings the committee has not been told about yet, emailed to every committee
 * member in their language. Runs in the system scope, reading as the committee.
 */
export async function sendFindingDigest(tx: Tx, rescope: Rescope) {
  const [committee] = await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.kind, "committee")).limit(1);
  if (!committee) return { sent: 0, findings: 0 };
  await rescope({ tenantId: committee.id, tenantKind: "committee", role: "system" });
  const findings = await feeFindings(tx);
  if (findings.length)
    await tx
      .insert(findingNotices)
      .values(findings.map((f) => ({ key: f.key })))
      .onConflictDoNothing();
  const fresh = new Set(
    (
      await tx
        .select({ key: findingNotices.key })
        .from(findingNotices)
        .where(
          and(
            isNull(findingNotices.digestedAt),
            findings.length
              ? inArray(
                  findingNotices.key,
                  findings.map((f) => f.key),
                )
              : sql`false`,
          ),
        )
    ).map((row) => row.key),
  );
  const newFindings = findings.filter((f) => fresh.has(f.key));
  if (!newFindings.length) return { sent: 0, findings: 0 };
  const members = await tx
    .select({ email: users.email, locale: users.locale })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.tenantId, committee.id));
  for (const member of members) {
    const locale = isLocale(member.locale) ? member.locale : "zh-CN";
    const t = translator(locale);
    await enqueueEmail(tx, {
      template: "finding-digest",
      to: member.email,
      locale,
      props: {
        count: newFindings.length,
        findings: newFindings.slice(0, 50).map((f) => ({
          organization: locale === "en" && f.organizationNameEn ? f.organizationNameEn : f.organizationName,
          kind: t(`committee.findingTypes.${f.type}`),
          summary: summary(t, f, locale),
        })),
        auditUrl: appUrl("/committee/fees"),
      },
    });
  }
  await tx
    .update(findingNotices)
    .set({ digestedAt: new Date() })
    .where(inArray(findingNotices.key, [...fresh]));
  return { sent: members.length, findings: newFindings.length };
}

export { summary as findingSummary };
