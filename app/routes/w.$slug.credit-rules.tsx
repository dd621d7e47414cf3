import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { levels } from "~/modules/certificates/schemas";
import { SchemaForm } from "~/modules/school/components/schema-form";
import { createCreditRule, listCreditRules, ruleCertificates } from "~/modules/school/credit-rules.server";
import { creditRuleFields, creditRuleQuerySchema, exemptions } from "~/modules/school/schemas";
import { withTenant } from "~/modules/tenancy/context.server";
import { shanghaiDate } from "~/ui/format";
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
      today: shanghaiDate(),
    };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withTenant(request, params.slug, "credit_rules:write", async (tx, ctx) => {
    const submission = await parseForm(request, creditRuleFields, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const result = await createCreditRule(tx, ctx, submission.value);
    if (!result.ok) return rejectSubmission(submission, result);
    return json({ result: submission.reply({ resetForm: true }) });
  });
}

export default function CreditRules() {
  const { page, certificates, canWrite, today } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
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
            </tr>
          ))}
        </Table>
      )}
      <NextPage cursor={page.nextCursor} />
      {canWrite ? (
        <section>
          <h2 className="mb-2 text-lg font-semibold">{t("school.creditRules.new")}</h2>
          <SchemaForm
            id="rule"
            schema={creditRuleFields}
            lastResult={actionData?.result}
            columns={2}
            defaultValue={{ level: "intermediate", exemption: "exempt_course", validFrom: today }}
            fields={[
              { name: "certificateId", label: t("school.creditRules.certificate"), kind: "select", options: certificates.map((c) => ({ value: c.id, label: `${c.code} ${en ? c.nameEn : c.nameZh}` })) },
              { name: "level", label: t("school.creditRules.level"), kind: "select", options: levels.map((l) => ({ value: l, label: t(`certificates.levelNames.${l}`) })) },
              { name: "courseCode", label: t("school.creditRules.courseCode") },
              { name: "courseName", label: t("school.creditRules.courseName") },
              { name: "module", label: t("school.creditRules.module") },
              { name: "credits", label: t("school.creditRules.credits") },
              { name: "exemption", label: t("school.creditRules.exemption"), kind: "select", options: exemptions.map((e) => ({ value: e, label: t(`school.creditRules.exemptions.${e}`) })) },
              { name: "validFrom", label: t("school.creditRules.validFrom"), kind: "date" },
              { name: "validUntil", label: t("school.creditRules.validUntil"), kind: "date", hint: t("school.creditRules.untilHint") },
            ]}
            submit={{ label: t("school.creditRules.create") }}
          />
        </section>
      ) : null}
    </div>
  );
}
