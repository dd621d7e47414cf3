import { randomUUID } from "node:crypto";
import { and, asc, eq, gte, inArray, lt, lte } from "drizzle-orm";
import type { Tx } from "../../../db/client.server";
import { certificates, credentialHolders, credentialReminders, credentials, memberships, tenants, users } from "../../../db/schema";
import { isLocale, translator } from "~/i18n/i18n";
import { audit } from "~/modules/audit/audit.server";
import { enqueueEmail } from "~/modules/email/outbox.server";
import type { Rescope } from "~/modules/tenancy/context.server";
import { addDays, formatDay, shanghaiDate } from "~/ui/format";
import { appUrl } from "~/ui/url.server";

// The nightly credential job (issue 16, item 8): credentials past their date become `expired` (stored,
// so lists and counts need no page visit to be right), and the organization hears 60, 30 and 7 days
// before a credential expires — each threshold once, whatever runs or restarts (credential_reminders).

export const reminderDays = [60, 30, 7] as const;

/** The reminder due for a credential `daysLeft` days from expiry: the nearest threshold it has reached. */
export function reminderThreshold(daysLeft: number): number | null {
  if (daysLeft < 0) return null;
  return [...reminderDays].reverse().find((days) => daysLeft <= days) ?? null;
}

function daysBetween(from: string, to: string) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

const systemActor = () => ({ requestId: randomUUID(), ip: null, user: null, role: "system" });

/** Runs in the system scope (the scheduler's transaction), one organization at a time under RLS. */
export async function runCredentialExpiry(tx: Tx, rescope: Rescope, today = shanghaiDate()) {
  const organizations = await tx
    .select({ id: tenants.id, slug: tenants.slug, name: tenants.name, nameEn: tenants.nameEn })
    .from(tenants)
    .where(eq(tenants.kind, "organization"))
    .orderBy(asc(tenants.id));
  let expired = 0;
  let reminded = 0;
  for (const organization of organizations) {
    await rescope({ tenantId: organization.id, tenantKind: "organization", role: "system" });
    const gone = await tx
      .update(credentials)
      .set({ status: "expired", statusReason: "" })
      .where(and(eq(credentials.tenantId, organization.id), inArray(credentials.status, ["active", "suspended"]), lt(credentials.expiresOn, today)))
      .returning({ id: credentials.id, number: credentials.number, expiresOn: credentials.expiresOn });
    for (const credential of gone)
      await audit(tx, systemActor(), {
        tenantId: organization.id,
        action: "credential.expire",
        entityType: "credential",
        entityId: credential.id,
        after: credential,
      });
    expired += gone.length;
    reminded += await sendReminders(tx, organization, today);
  }
  await rescope({ role: "system" });
  return { expired, reminded };
}

async function sendReminders(tx: Tx, organization: { id: string; slug: string; name: string; nameEn: string | null }, today: string) {
  const soon = await tx
    .select({
      id: credentials.id,
      number: credentials.number,
      role: credentials.role,
      expiresOn: credentials.expiresOn,
      holder: credentialHolders.name,
      certificate: certificates.code,
    })
    .from(credentials)
    .innerJoin(credentialHolders, and(eq(credentialHolders.tenantId, credentials.tenantId), eq(credentialHolders.id, credentials.holderId)))
    .innerJoin(certificates, and(eq(certificates.tenantId, credentials.tenantId), eq(certificates.id, credentials.certificateId)))
    .where(
      and(
        eq(credentials.tenantId, organization.id),
        eq(credentials.status, "active"),
        gte(credentials.expiresOn, today),
        lte(credentials.expiresOn, addDays(today, reminderDays[0])),
      ),
    )
    .orderBy(asc(credentials.expiresOn), asc(credentials.number));
  const due = soon.flatMap((c) => {
    const days = reminderThreshold(daysBetween(today, c.expiresOn));
    return days === null ? [] : [{ ...c, days }];
  });
  if (!due.length) return 0;
  // Each (credential, threshold) is claimed once: a second run, or a restart mid-run, finds it taken.
  const claimed = await tx
    .insert(credentialReminders)
    .values(due.map((c) => ({ tenantId: organization.id, credentialId: c.id, daysBefore: c.days })))
    .onConflictDoNothing()
    .returning({ credentialId: credentialReminders.credentialId, daysBefore: credentialReminders.daysBefore });
  if (!claimed.length) return 0;
  const recipients = await tx
    .select({ email: users.email, locale: users.locale })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, organization.id), inArray(memberships.role, ["owner", "admin"])));
  const fresh = new Set(claimed.map((c) => `${c.credentialId}:${c.daysBefore}`));
  for (const days of reminderDays) {
    const batch = due.filter((c) => c.days === days && fresh.has(`${c.id}:${days}`));
    if (!batch.length) continue;
    for (const recipient of recipients) {
      const locale = isLocale(recipient.locale) ? recipient.locale : "zh-CN";
      const t = translator(locale);
      await enqueueEmail(tx, {
        template: "credential-expiry",
        to: recipient.email,
        locale,
        props: {
          organization: (locale === "en" && organization.nameEn) || organization.name,
          days,
          credentials: batch.slice(0, 200).map((c) => ({
            number: c.number,
            holder: c.holder,
            role: t(`credentials.roles.${c.role}`),
            certificate: c.certificate,
            expiresOn: formatDay(c.expiresOn, locale),
          })),
          listUrl: appUrl(`/w/${organization.slug}/credentials?status=active`),
        },
        meta: { organizationId: organization.id, days, credentials: batch.map((c) => c.number) },
      });
    }
  }
  return claimed.length;
}
