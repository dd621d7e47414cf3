import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { levels } from "~/modules/certificates/schemas";
import { shanghaiDistricts, siteActionSchema } from "~/modules/credentials/schemas";
import { tenantChoices } from "~/modules/credentials/service.server";
import { assignExaminer, createSession, decideSite, listSessions, listSites, saveSite, siteCertificates } from "~/modules/credentials/sites.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { CheckboxGroupField, ErrorList, Field, SelectField, SubmitButton, TextAreaField } from "~/ui/form";
import { formatDay } from "~/ui/format";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { EmptyState, NextPage, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";
import { zodErrorMap } from "~/ui/zod-errors";

// Exam sites (§二.13). An organization adds sites, approves a school's proposal, schedules sessions
// and assigns examiners; a school sees the sites it hosts and proposes new ones.
export const handle: RouteHandle = { title: "credentials.sites.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "sites:read", async (tx, ctx) => {
    const organization = ctx.tenant.kind === "organization";
    const canWrite = organization ? ctx.permissions.includes("credentials:write") : ctx.permissions.includes("sites:propose");
    return {
      organization,
      canWrite,
      sites: await listSites(tx, ctx, new URL(request.url).searchParams.get("cursor") ?? undefined),
      sessions: organization ? await listSessions(tx, ctx) : [],
      certificates: canWrite ? await siteCertificates(tx, ctx) : [],
      hosts: canWrite && organization ? await tenantChoices(tx) : [],
    };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withTenant(request, params.slug, "sites:read", async (tx, ctx) => {
    const organization = ctx.tenant.kind === "organization";
    const submission = await parseForm(request, siteActionSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const input = submission.value;
    const allowed = organization ? ctx.permissions.includes("credentials:write") : ctx.permissions.includes("sites:propose") && input.intent === "site";
    if (!allowed) throw new Response("Forbidden", { status: 403 });
    const result =
      input.intent === "site"
        ? await saveSite(tx, ctx, input)
        : input.intent === "approve" || input.intent === "decline"
          ? { ok: true as const, value: await decideSite(tx, ctx, input.siteId, input.intent === "approve") }
          : input.intent === "session"
            ? await createSession(tx, ctx, input)
            : await assignExaminer(tx, ctx, input.sessionId, input.credentialNumber);
    if (!result.ok) return rejectSubmission(submission, result);
    return json({ result: submission.reply({ resetForm: true }), intent: input.intent });
  });
}

function useIntentForm(id: string, lastResult: SubmissionResult<string[]> | undefined) {
  const { t } = useTranslation();
  return useForm({
    id,
    lastResult,
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: siteActionSchema, error: zodErrorMap(t) }),
  });
}

export default function ExamSites() {
  const { organization, canWrite, sites, sessions, certificates, hosts } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const en = locale === "en";
  const intent = (actionData?.result?.initialValue as { intent?: string } | undefined)?.intent;
  const [siteForm, siteFields] = useIntentForm("site", intent === "site" ? actionData?.result : undefined);
  const [sessionForm, sessionFields] = useIntentForm("session", intent === "session" ? actionData?.result : undefined);
  const [assignForm, assignFields] = useIntentForm("assign", intent === "assign" ? actionData?.result : undefined);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">{t("credentials.sites.title")}</h1>
        <p className="text-sm text-gray-600">{t("credentials.sites.lead")}</p>
      </div>
      {sites.rows.length === 0 ? (
        <EmptyState>{t("credentials.sites.empty")}</EmptyState>
      ) : (
        <Table
          caption={t("credentials.sites.title")}
          head={
            <tr>
              <th className="px-3 py-2">{t("credentials.sites.name")}</th>
              <th className="px-3 py-2">{organization ? t("credentials.sites.host") : t("credentials.sites.organization")}</th>
              <th className="px-3 py-2">{t("credentials.sites.district")}</th>
              <th className="px-3 py-2">{t("credentials.certificate")}</th>
              <th className="px-3 py-2 text-right">{t("credentials.sites.capacity")}</th>
              <th className="px-3 py-2">{t("credentials.sites.status")}</th>
            </tr>
          }
        >
          {sites.rows.map((site) => (
            <tr key={site.id} data-testid="site-row">
              <td className="px-3 py-2">
                {site.name}
                {site.equipment ? <span className="block text-xs text-gray-500">{site.equipment}</span> : null}
              </td>
              <td className="px-3 py-2">{organization ? site.host : site.organization}</td>
              <td className="whitespace-nowrap px-3 py-2">
                {t(`credentials.districts.${site.district}`)}
                {site.sameDistrict ? (
                  <span className="block text-xs text-amber-800">{t("credentials.sites.sameDistrict", { count: site.sameDistrict })}</span>
                ) : null}
              </td>
              <td className="whitespace-nowrap px-3 py-2">
                {site.certificateCode ?? "—"} · {site.levels.map((l) => t(`certificates.levelNames.${l}`)).join("/")}
              </td>
              <td className="px-3 py-2 text-right">{site.capacity}</td>
              <td className="px-3 py-2">
                {t(`credentials.sites.statuses.${site.status}`)}
                {organization && canWrite && site.status === "proposed" ? (
                  <Form method="post" className="mt-1 flex gap-2">
                    <input type="hidden" name="siteId" value={site.id} />
                    <SubmitButton name="intent" value="approve">
                      {t("credentials.sites.approve")}
                    </SubmitButton>
                    <SubmitButton name="intent" value="decline" variant="secondary">
                      {t("credentials.sites.decline")}
                    </SubmitButton>
                  </Form>
                ) : null}
              </td>
            </tr>
          ))}
        </Table>
      )}
      <NextPage cursor={sites.nextCursor} />
      {organization ? (
        <section className="space-y-3">
          <h2 className="text-lg font-semibold">{t("credentials.sites.sessions")}</h2>
          {sessions.length === 0 ? (
            <EmptyState>{t("credentials.sites.noSessions")}</EmptyState>
          ) : (
            <Table
              caption={t("credentials.sites.sessions")}
              head={
                <tr>
                  <th className="px-3 py-2">{t("credentials.sites.heldOn")}</th>
                  <th className="px-3 py-2">{t("credentials.sites.site")}</th>
                  <th className="px-3 py-2">{t("credentials.sites.level")}</th>
                  <th className="px-3 py-2">{t("credentials.sites.examiners")}</th>
                </tr>
              }
            >
              {sessions.map((s) => (
                <tr key={s.id} data-testid="session-row">
                  <td className="whitespace-nowrap px-3 py-2">{formatDay(s.heldOn, locale)}</td>
                  <td className="px-3 py-2">{s.site}</td>
                  <td className="px-3 py-2">{t(`certificates.levelNames.${s.level}`)}</td>
                  <td className="px-3 py-2 font-mono text-xs">{s.examiners.join(", ") || "—"}</td>
                </tr>
              ))}
            </Table>
          )}
          {canWrite && sessions.length ? (
            <Form method="post" {...getFormProps(assignForm)} className="max-w-2xl rounded border border-gray-200 bg-white p-4">
              <h3 className="mb-2 font-semibold">{t("credentials.sites.assign")}</h3>
              <input type="hidden" name="intent" value="assign" />
              <SelectField
                label={t("credentials.sites.sessions")}
                meta={assignFields.sessionId}
                options={sessions.map((s) => ({
                  value: s.id,
                  label: `${formatDay(s.heldOn, locale)} · ${s.site} · ${t(`certificates.levelNames.${s.level}`)}`,
                }))}
              />
              <Field label={t("credentials.sites.credentialNumber")} meta={assignFields.credentialNumber} autoComplete="off" />
              <ErrorList id={assignForm.errorId} errors={assignForm.errors} />
              <SubmitButton>{t("credentials.sites.assign")}</SubmitButton>
            </Form>
          ) : null}
          {canWrite && sites.rows.some((s) => s.status === "approved") ? (
            <Form method="post" {...getFormProps(sessionForm)} className="max-w-2xl rounded border border-gray-200 bg-white p-4">
              <h3 className="mb-2 font-semibold">{t("credentials.sites.newSession")}</h3>
              <input type="hidden" name="intent" value="session" />
              <SelectField
                label={t("credentials.sites.site")}
                meta={sessionFields.siteId}
                options={sites.rows.filter((s) => s.status === "approved").map((s) => ({ value: s.id, label: s.name }))}
              />
              <div className="grid gap-x-4 sm:grid-cols-2">
                <Field label={t("credentials.sites.heldOn")} meta={sessionFields.heldOn} type="date" />
                <SelectField
                  label={t("credentials.sites.level")}
                  meta={sessionFields.level}
                  options={levels.map((l) => ({ value: l, label: t(`certificates.levelNames.${l}`) }))}
                />
              </div>
              <ErrorList id={sessionForm.errorId} errors={sessionForm.errors} />
              <SubmitButton>{t("credentials.sites.newSession")}</SubmitButton>
            </Form>
          ) : null}
        </section>
      ) : null}
      {canWrite && certificates.length ? (
        <Form method="post" {...getFormProps(siteForm)} className="max-w-2xl rounded border border-gray-200 bg-white p-4" key={searchParams.toString()}>
          <h2 className="mb-2 text-lg font-semibold">{organization ? t("credentials.sites.new") : t("credentials.sites.propose")}</h2>
          <input type="hidden" name="intent" value="site" />
          <Field label={t("credentials.sites.name")} meta={siteFields.name} />
          {organization ? (
            <div className="grid gap-x-4 sm:grid-cols-2">
              <SelectField
                label={t("credentials.sites.hostTenant")}
                meta={siteFields.hostTenantId}
                placeholder={t("credentials.noEmployerTenant")}
                options={hosts.map((h) => ({ value: h.id, label: (en && h.nameEn) || h.name }))}
              />
              <Field label={t("credentials.sites.hostName")} meta={siteFields.hostName} />
            </div>
          ) : null}
          <div className="grid gap-x-4 sm:grid-cols-2">
            <SelectField
              label={t("credentials.sites.district")}
              meta={siteFields.district}
              placeholder={t("common.choose")}
              options={shanghaiDistricts.map((d) => ({ value: d, label: t(`credentials.districts.${d}`) }))}
            />
            <Field label={t("credentials.sites.capacity")} meta={siteFields.capacity} type="number" />
          </div>
          <SelectField
            label={t("credentials.certificate")}
            meta={siteFields.certificateId}
            placeholder={t("common.choose")}
            options={certificates.map((c) => ({ value: c.id, label: `${organization ? "" : `${c.organization} · `}${c.code} · ${en ? c.nameEn : c.nameZh}` }))}
          />
          <CheckboxGroupField
            label={t("credentials.levels")}
            meta={siteFields.levels}
            options={levels.map((l) => ({ value: l, label: t(`certificates.levelNames.${l}`) }))}
          />
          <TextAreaField label={t("credentials.sites.equipment")} meta={siteFields.equipment} rows={2} />
          <ErrorList id={siteForm.errorId} errors={siteForm.errors} />
          <SubmitButton>{organization ? t("credentials.sites.new") : t("credentials.sites.propose")}</SubmitButton>
        </Form>
      ) : null}
    </div>
  );
}
