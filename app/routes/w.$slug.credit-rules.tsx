import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import type { SubmissionResult } from "@conform-to/react";
import { useTranslation } from "react-i18next";
import { levels } from "~/modules/certificates/schemas";
import { SchemaForm } from "~/modules/school/components/schema-form";
import { createCreditRule, endCreditRule, listCreditRules, ruleCertificates } from "~/modules/school/credit-rules.server";
import { creditRuleActionFields, creditRuleFields, creditRuleQuerySchema, exemptions } from "~/modules/school/schemas";
import { withTenant } from "~/modules/tenancy/context.server";
import { shanghaiDate } from "~/ui/format";
import { ErrorList, SubmitButton } from "~/ui/form";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { EmptyState, ExportLinks, NextPage, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

// 学分银行: look rules up by certificate or by course; organizations and school admins record them.
export const handle: RouteHandle = { title: "school.creditRules.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "credit_rules:read", async (tx, ctx) => {
    const query = creditRuleQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    return {
      page: await listCreditRules(tx, ctx, query),
      certificates: await ruleCertificates(tx, ctx),
      canWrite: ctx.permissions.includes("credit_rules:write"),
      tenantId: ctx.tenant.id,
      today: shanghaiDate(),
    };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withTenant(request, params.slug, "credit_rules:write", async (tx, ctx) => {
    const submission = await parseForm(request, creditRuleActionFields, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const input = submission.value;
    const result = input.intent === "end" ? await endCreditRule(tx, ctx, input.ruleId, input.lastDay) : await createCreditRule(tx, ctx, input);
    if (!result.ok) return rejectSubmission(submission, result);
    return json({ result: submission.reply({ resetForm: true }), ended: input.intent === "end" ? input.ruleId : null });
  });
}

export default function CreditRules() {
  const { page, certificates, canWrite, tenantId, today } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  // Which of the page's forms the last answer belongs to (the record form, or a row's end form).
  const ending = (actionData?.result.initialValue as { intent?: string } | undefined)?.intent === "end";
  const [searchParams] = useSearchParams();
  const { t, i18n } = useTranslation();
  const en = i18n.language === "en";
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-bold">{t("school.creditRules.title")}</h1>
        <ExportLinks list="credit-rules" />
      </div>
      <p className="text-sm text-gray-600">{t("school.creditRules.lead")}</p>
      <Form method="get" className="flex flex-wrap items-end gap-3 rounded border border-gray-200 bg-white p-4">
        <label className="text-sm">
          <span className="block font-medium">{t("school.creditRules.certificate")}</span>
          <select name="certificate" defaultValue={searchParams.get("certificate") ?? ""} className="mt-1 rounded border border-gray-300 bg-white px-2 py-1">
            <option value="">{t("school.any")}</option>
            {certificates.map((c) => (
              <option key={c.id} value={c.id}>
                {c.code} {en ? c.nameEn : c.nameZh}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          <span className="block font-medium">{t("school.creditRules.course")}</span>
          <input name="course" defaultValue={searchParams.get("course") ?? ""} className="mt-1 rounded border border-gray-300 px-2 py-1" />
        </label>
        <label className="text-sm">
          <span className="block font-medium">{t("school.creditRules.inForceOn")}</span>
          <input type="date" name="on" defaultValue={searchParams.get("on") ?? ""} className="mt-1 rounded border border-gray-300 px-2 py-1" />
        </label>
        <button type="submit" className="rounded border border-gray-300 bg-white px-3 py-1 text-sm hover:bg-gray-100">
          {t("school.search")}
        </button>
      </Form>
      {actionData && "ended" in actionData && actionData.ended ? (
        <p role="status" className="rounded border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-800">
          {t("school.creditRules.ended")}
        </p>
      ) : null}
      {page.rows.length === 0 ? (
        <EmptyState>{t("school.creditRules.empty")}</EmptyState>
      ) : (
        <Table
          caption={t("school.creditRules.title")}
          head={
            <tr>
              <th className="px-3 py-2">{t("school.creditRules.certificate")}</th>
              <th className="px-3 py-2">{t("school.creditRules.course")}</th>
              <th className="px-3 py-2 text-right">{t("school.creditRules.credits")}</th>
              <th className="px-3 py-2">{t("school.creditRules.exemption")}</th>
              <th className="px-3 py-2">{t("school.creditRules.valid")}</th>
              <th className="px-3 py-2">{t("school.creditRules.recordedBy")}</th>
              {canWrite ? <th className="px-3 py-2">{t("school.creditRules.endOn")}</th> : null}
            </tr>
          }
        >
          {page.rows.map((r) => (
            <tr key={r.id}>
              <td className="px-3 py-2">
                {r.certificateName} · {t(`certificates.levelNames.${r.level}`)}
              </td>
              <td className="px-3 py-2">
                {r.courseCode} {r.courseName}
                {r.module ? ` · ${r.module}` : ""}
              </td>
              <td className="px-3 py-2 text-right">{r.credits}</td>
              <td className="px-3 py-2">{t(`school.creditRules.exemptions.${r.exemption}`)}</td>
              <td className="px-3 py-2">
                {r.validFrom} – {r.validUntil ?? t("school.creditRules.open")}
              </td>
              <td className="px-3 py-2">{r.recorderName}</td>
              {canWrite ? (
                <td className="px-3 py-2">
                  {r.recorderId === tenantId && (!r.validUntil || r.validUntil >= today) ? (
                    <EndRule ruleId={r.id} today={today} lastResult={ending ? actionData?.result : undefined} />
                  ) : null}
                </td>
              ) : null}
            </tr>
          ))}
        </Table>
      )}
      <NextPage cursor={page.nextCursor} />
      {canWrite ? (
        <section>
          <h2 className="mb-2 text-lg font-semibold">{t("school.creditRules.new")}</h2>
          <p className="mb-2 text-sm text-gray-600">{t("school.creditRules.endHint")}</p>
          <SchemaForm
            id="rule"
            schema={creditRuleFields}
            lastResult={ending ? undefined : actionData?.result}
            columns={2}
            defaultValue={{ level: "intermediate", exemption: "exempt_course", validFrom: today }}
            fields={[
              {
                name: "certificateId",
                label: t("school.creditRules.certificate"),
                kind: "select",
                options: certificates.map((c) => ({ value: c.id, label: `${c.code} ${en ? c.nameEn : c.nameZh}` })),
              },
              {
                name: "level",
                label: t("school.creditRules.level"),
                kind: "select",
                options: levels.map((l) => ({ value: l, label: t(`certificates.levelNames.${l}`) })),
              },
              { name: "courseCode", label: t("school.creditRules.courseCode") },
              { name: "courseName", label: t("school.creditRules.courseName") },
              { name: "module", label: t("school.creditRules.module") },
              { name: "credits", label: t("school.creditRules.credits") },
              {
                name: "exemption",
                label: t("school.creditRules.exemption"),
                kind: "select",
                options: exemptions.map((e) => ({ value: e, label: t(`school.creditRules.exemptions.${e}`) })),
              },
              { name: "validFrom", label: t("school.creditRules.validFrom"), kind: "date" },
              { name: "validUntil", label: t("school.creditRules.validUntil"), kind: "date", hint: t("school.creditRules.untilHint") },
            ]}
            submit={{ label: t("school.creditRules.create"), intent: "create" }}
          />
        </section>
      ) : null}
    </div>
  );
}

/** Ends one of the tenant's own rules on a last day; a refusal shows under the row's date field. */
function EndRule({ ruleId, today, lastResult }: { ruleId: string; today: string; lastResult?: SubmissionResult<string[]> | null }) {
  const { t } = useTranslation();
  const mine = (lastResult?.initialValue as { ruleId?: string } | undefined)?.ruleId === ruleId;
  const errors = mine ? lastResult?.error?.lastDay : undefined;
  const id = `end-${ruleId}`;
  return (
    <Form method="post" className="flex flex-wrap items-start gap-2">
      <input type="hidden" name="ruleId" value={ruleId} />
      <label htmlFor={id} className="sr-only">
        {t("school.creditRules.endOn")}
      </label>
      <input
        id={id}
        type="date"
        name="lastDay"
        required
        min={today}
        defaultValue={today}
        aria-invalid={errors ? true : undefined}
        aria-describedby={errors ? `${id}-error` : undefined}
        className="rounded border border-gray-300 px-2 py-1 text-sm"
      />
      <SubmitButton name="intent" value="end" variant="secondary">
        {t("school.creditRules.end")}
      </SubmitButton>
      {errors ? <ErrorList id={`${id}-error`} errors={errors} /> : null}
    </Form>
  );
}
