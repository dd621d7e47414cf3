import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { capsOverview, noticeHistory, setCostCap, setNoticePeriod, withdrawNoticePeriod } from "~/modules/fees/settings.server";
import { costCapSchema, noticePeriodSchema, withdrawNoticeSchema } from "~/modules/fees/schemas";
import {
  IndustryFieldsSection,
  NoticePeriodSection,
  ReasonAndSave,
  ReportPeriodsSection,
  ThresholdsSection,
  WeightsSection,
  type WeightChange,
} from "~/modules/committee/components/settings-sections";
import { industryFieldSchema, movePeriodSchema, reportPeriodSchema, thresholdSchema, withdrawSettingSchema } from "~/modules/committee/schemas";
import {
  addReportPeriod,
  industryFields,
  listReportPeriods,
  moveReportPeriod,
  setEvaluationWeights,
  setIndustryField,
  setThreshold,
  settingAt,
  settingHistory,
  weightsAt,
  withdrawSetting,
} from "~/modules/committee/settings.server";
import { criteria, weightsSchema, type Criterion } from "~/modules/evaluations/criteria";
import { z } from "zod";
import { withCommittee } from "~/modules/tenancy/context.server";
import { ErrorList, Notice } from "~/ui/form";
import { formatFen } from "~/ui/format";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "committee.settings" };

/** The six rows of each weights change as one line (they share their instant, decision 055). */
function weightChanges(rows: Awaited<ReturnType<typeof settingHistory>>): WeightChange[] {
  const changes = new Map<string, WeightChange>();
  for (const row of rows) {
    const criterion = row.key.slice("weight_".length) as Criterion;
    const at = row.effectiveFrom.toISOString();
    const change = changes.get(at) ?? {
      id: row.id,
      effectiveFrom: at,
      scheduled: row.scheduled,
      reason: row.reason,
      setBy: row.setBy,
      weights: Object.fromEntries(criteria.map((c) => [c, 0])) as Record<Criterion, number>,
    };
    change.weights[criterion] = row.value;
    changes.set(at, change);
  }
  return [...changes.values()];
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  return withCommittee({ request, context }, "committee:audit", async (tx, ctx) => {
    const history = await settingHistory(tx);
    return {
      notice: await noticeHistory(tx),
      caps: await capsOverview(tx),
      thresholds: {
        current: { bank_staleness_days: await settingAt(tx, "bank_staleness_days"), site_students_per_site: await settingAt(tx, "site_students_per_site") },
        history: history.filter((h) => !h.key.startsWith("weight_")),
      },
      weights: { current: await weightsAt(tx), history: weightChanges(history.filter((h) => h.key.startsWith("weight_"))) },
      periods: await listReportPeriods(tx),
      industries: await industryFields(tx),
      canEdit: ctx.permissions.includes("committee:settings"),
    };
  });
}

// Every section's form, told apart by its intent (one more section: one more entry here).
const settingsSchema = z.discriminatedUnion("intent", [
  noticePeriodSchema,
  withdrawNoticeSchema,
  costCapSchema,
  thresholdSchema,
  weightsSchema,
  withdrawSettingSchema,
  reportPeriodSchema,
  movePeriodSchema,
  industryFieldSchema,
]);

export async function action({ request }: ActionFunctionArgs) {
  return withCommittee(request, "committee:settings", async (tx, ctx) => {
    const submission = await parseForm(request, settingsSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const value = submission.value;
    const done = (intent: typeof value.intent) => json({ result: submission.reply({ resetForm: true }), done: intent });
    switch (value.intent) {
      case "notice": {
        const result = await setNoticePeriod(tx, ctx, value);
        return result.ok ? done("notice") : rejectSubmission(submission, result);
      }
      case "withdrawNotice": {
        const result = await withdrawNoticePeriod(tx, ctx, value);
        return result.ok ? done("withdrawNotice") : rejectSubmission(submission, result);
      }
      case "threshold": {
        const result = await setThreshold(tx, ctx, value);
        return result.ok ? done("threshold") : rejectSubmission(submission, result);
      }
      case "weights": {
        const result = await setEvaluationWeights(tx, ctx, value);
        return result.ok ? done("weights") : rejectSubmission(submission, result);
      }
      case "withdraw": {
        const result = await withdrawSetting(tx, ctx, value);
        return result.ok ? done("withdraw") : rejectSubmission(submission, result);
      }
      case "industry":
        await setIndustryField(tx, ctx, value);
        return done("industry");
      case "period": {
        const result = await addReportPeriod(tx, ctx, value);
        return result.ok ? done("period") : rejectSubmission(submission, result);
      }
      case "movePeriod": {
        const result = await moveReportPeriod(tx, ctx, value);
        return result.ok ? done("movePeriod") : rejectSubmission(submission, result);
      }
      case "cap": {
        const result = await setCostCap(tx, ctx, value);
        return result.ok ? done("cap") : rejectSubmission(submission, result);
      }
    }
  });
}

export default function CommitteeSettings() {
  const { notice, caps, thresholds, weights, periods, industries, canEdit } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const en = locale === "en";
  // Field messages belong to the form that was sent (several forms have a "reason").
  const failed =
    actionData?.result && "initialValue" in actionData.result ? (actionData.result.initialValue as Record<string, unknown> | null)?.intent : undefined;
  const errorsOf = (intent: string | string[]) => (name: string) =>
    actionData?.result && "error" in actionData.result && (failed === undefined || [intent].flat().includes(String(failed)))
      ? (actionData.result.error?.[name] ?? undefined)
      : undefined;
  const errors = errorsOf("cap");
  return (
    <div className="space-y-8">
      <h1 className="text-2xl font-bold">{t("committee.settings")}</h1>
      {actionData && "done" in actionData ? (
        <Notice tone="success">{t(`committee.saved.${actionData.done}`, { defaultValue: t("oversight.settings.saved") })}</Notice>
      ) : null}
      <NoticePeriodSection history={notice} canEdit={canEdit} errors={errorsOf(["notice", "withdrawNotice"])} />
      <section className="space-y-3">
        <h2 className="text-lg font-semibold">{t("committee.costCaps")}</h2>
        <p className="text-sm text-gray-600">{t("committee.costCapsLead")}</p>
        <Table
          caption={t("committee.costCaps")}
          head={
            <tr>
              <th className="px-3 py-2">{t("fees.organization")}</th>
              <th className="px-3 py-2">{t("fees.certificate")}</th>
              <th className="px-3 py-2">{t("fees.level")}</th>
              <th className="px-3 py-2 text-right">{t("committee.capInForce")}</th>
              {canEdit ? <th className="px-3 py-2">{t("committee.newCap")}</th> : null}
            </tr>
          }
        >
          {caps.flatMap((c) =>
            c.levels.map((l) => (
              <tr key={`${c.id}-${l.level}`}>
                <td className="px-3 py-2">{(en && c.organizationEn) || c.organization}</td>
                <td className="px-3 py-2">
                  {en ? c.nameEn : c.nameZh} <span className="font-mono text-xs text-gray-500">{c.code}</span>
                </td>
                <td className="px-3 py-2">{t(`certificates.levelNames.${l.level}`)}</td>
                <td className="px-3 py-2 text-right">{l.current ? formatFen(l.current.amountFen, locale) : "—"}</td>
                {canEdit ? (
                  <td className="px-3 py-2">
                    <Form method="post" className="flex gap-2">
                      <input type="hidden" name="intent" value="cap" />
                      <input type="hidden" name="certificateId" value={c.id} />
                      <input type="hidden" name="level" value={l.level} />
                      <label className="sr-only" htmlFor={`cap-${c.id}-${l.level}`}>
                        {t("committee.newCap")}
                      </label>
                      <input id={`cap-${c.id}-${l.level}`} name="amount" placeholder="500.00" className="w-24 rounded border border-gray-300 px-2 py-1" />
                      <ReasonAndSave id={`reason-${c.id}-${l.level}`} width="w-40" />
                    </Form>
                  </td>
                ) : null}
              </tr>
            )),
          )}
        </Table>
        <ErrorList errors={errors("amount")} />
        <ErrorList errors={errors("reason")} />
      </section>
      {actionData?.result && "error" in actionData.result && (failed === "withdraw" || failed === "withdrawNotice") ? (
        <Notice tone="error">
          {Object.values(actionData.result.error ?? {})
            .flat()
            .join(" ")}
        </Notice>
      ) : null}
      <ThresholdsSection current={thresholds.current} history={thresholds.history} canEdit={canEdit} errors={errorsOf("threshold")} />
      <WeightsSection current={weights.current} history={weights.history} canEdit={canEdit} errors={errorsOf("weights")} />
      <ReportPeriodsSection periods={periods} canEdit={canEdit} errors={errorsOf(["period", "movePeriod"])} />
      <IndustryFieldsSection current={industries.current} history={industries.history} canEdit={canEdit} errors={errorsOf("industry")} />
    </div>
  );
}
