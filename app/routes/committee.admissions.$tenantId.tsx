import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { AdmissionChip } from "~/modules/admission/components";
import { admissionDecisionSchema } from "~/modules/admission/schemas";
import { decideAdmission, getAdmission } from "~/modules/admission/service.server";
import { withCommittee } from "~/modules/tenancy/context.server";
import { ErrorList, Notice, SubmitButton } from "~/ui/form";
import { formatDateTime } from "~/ui/format";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { titleFrom } from "~/ui/page-title";

// One organization's or school's admission: the evidence it filed and the committee admin's decision
// (admit, refuse with a reason; suspend with a reason, reinstate). Decision 042.
export const handle = titleFrom<typeof loader>((data, t) => `${t("admission.committee.title")} · ${data.tenant.name}`);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withCommittee({ request, context }, "committee:review", async (tx, ctx) => {
    const found = await getAdmission(tx, params.tenantId ?? "");
    if (!found) throw new Response("Not found", { status: 404 });
    return { ...found, canDecide: ctx.permissions.includes("committee:admit") };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withCommittee(request, "committee:admit", async (tx, ctx) => {
    const submission = await parseForm(request, admissionDecisionSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const result = await decideAdmission(tx, ctx, params.tenantId ?? "", submission.value);
    if (!result.ok) return rejectSubmission(submission, result);
    return json({ result: submission.reply({ resetForm: true }), decided: result.value.status });
  });
}

export default function CommitteeAdmission() {
  const { tenant, filings, canDecide } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const error = (actionData?.result && "error" in actionData.result ? actionData.result.error : undefined) ?? {};
  const [current] = filings;
  const intents =
    tenant.status === "pending"
      ? (["admit", "refuse"] as const)
      : tenant.status === "admitted"
        ? (["suspend"] as const)
        : tenant.status === "suspended"
          ? (["reinstate"] as const)
          : [];
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-gray-500">
          {t(`tenantKinds.${tenant.kind}`)} · /w/{tenant.slug}
        </p>
        <h1 className="text-2xl font-bold">{locale === "en" && tenant.nameEn ? tenant.nameEn : tenant.name}</h1>
        <p className="mt-1">
          <AdmissionChip status={tenant.status} />
        </p>
      </div>
      {actionData && "decided" in actionData ? <Notice tone="success">{t(`admission.committee.detail.done.${actionData.decided}`)}</Notice> : null}
      <section>
        <h2 className="mb-2 text-lg font-semibold">{t("admission.committee.detail.evidence")}</h2>
        <dl className="grid max-w-3xl grid-cols-[auto,1fr] gap-x-4 gap-y-2 text-sm">
          <dt className="text-gray-500">{t("admission.committee.columns.creditCode")}</dt>
          <dd className="font-mono">{current?.creditCode ?? tenant.creditCode}</dd>
          <dt className="text-gray-500">{t("admission.committee.detail.businessScope")}</dt>
          <dd className="whitespace-pre-wrap">{current?.businessScope || t("admission.committee.detail.none")}</dd>
          <dt className="text-gray-500">{t("admission.committee.detail.proposedCertificates")}</dt>
          <dd className="whitespace-pre-wrap">{current?.proposedCertificates || t("admission.committee.detail.none")}</dd>
          <dt className="text-gray-500">{t("admission.committee.columns.filedAt")}</dt>
          <dd>{current ? formatDateTime(current.filedAt, locale) : "—"}</dd>
        </dl>
      </section>
      {canDecide && intents.length ? (
        <Form method="post" className="max-w-2xl space-y-3 rounded border border-gray-200 bg-white p-4" id="admission-decision">
          <label htmlFor="reason" className="block text-sm font-medium">
            {t("admission.committee.detail.reason")}
          </label>
          <textarea
            id="reason"
            name="reason"
            rows={3}
            maxLength={1000}
            className="block w-full rounded border border-gray-300 px-3 py-2"
            aria-describedby="reason-hint reason-error"
          />
          <p id="reason-hint" className="text-xs text-gray-500">
            {t("admission.committee.detail.reasonHint")}
          </p>
          <ErrorList id="reason-error" errors={error.reason} />
          <ErrorList errors={error[""]} />
          <div className="flex flex-wrap gap-3">
            {intents.map((intent) => (
              <SubmitButton key={intent} name="intent" value={intent} variant={intent === "admit" || intent === "reinstate" ? "primary" : "secondary"}>
                {t(`admission.committee.detail.${intent}`)}
              </SubmitButton>
            ))}
          </div>
        </Form>
      ) : !canDecide ? (
        <p className="text-sm text-gray-600">{t("admission.committee.detail.readOnly")}</p>
      ) : null}
      <section>
        <h2 className="mb-2 text-lg font-semibold">{t("admission.committee.detail.history")}</h2>
        <ul className="space-y-2 text-sm">
          {filings.map((f) => (
            <li key={f.id} className="rounded border border-gray-200 bg-white p-3">
              <AdmissionChip status={f.status} /> · {t("admission.committee.columns.filedAt")} {formatDateTime(f.filedAt, locale)}
              {f.decidedAt ? ` · ${t("admission.committee.columns.decidedAt")} ${formatDateTime(f.decidedAt, locale)}` : ""}
              {f.reason ? (
                <p className="mt-1 whitespace-pre-wrap text-gray-700">
                  {t("admission.committee.detail.reason")}: {f.reason}
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
