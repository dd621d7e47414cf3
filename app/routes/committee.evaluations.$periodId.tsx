import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { criteria, decideSchema, decisions, evaluationActionSchema, scoreSchema } from "~/modules/evaluations/criteria";
import { EvidenceList } from "~/modules/evaluations/components/evidence";
import { decide, finalize, getEvaluation, saveScore } from "~/modules/evaluations/evaluations.server";
import { Chip, SchemaForm } from "~/modules/school/components/schema-form";
import { withCommittee } from "~/modules/tenancy/context.server";
import { ErrorList, Notice, SubmitButton } from "~/ui/form";
import { formatDateTime } from "~/ui/format";
import { ExportLinks } from "~/ui/list";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { titleFrom } from "~/ui/page-title";

// One evaluation period (decision 046): the evidence beside each organization's scores; members
// score each criterion with a comment; the admin decides retain / warn / suspend per organization and
// finalizes, which publishes /evaluations/<code> and freezes the period. The weights are read here, set
// in /committee/settings (decision 055): an open period shows those in force, a finalized one its own.
export const handle = titleFrom<typeof loader>((data, t) => `${t("supervision.evaluations.title")} · ${data.period.title}`);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withCommittee({ request, context }, "committee:review", async (tx, ctx) => ({
    ...(await getEvaluation(tx, ctx, params.periodId ?? "")),
    slug: ctx.tenant.slug,
    canDecide: ctx.permissions.includes("committee:decide"),
  }));
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withCommittee(request, "committee:review", async (tx, ctx) => {
    const submission = await parseForm(request, evaluationActionSchema, ctx.locale);
    const form = formIdOf(submission.payload);
    if (submission.status !== "success") return rejectSubmission(submission);
    const input = submission.value;
    const periodId = params.periodId ?? "";
    // Members score; decisions and finalizing are the admin's (RLS says so too).
    if (input.intent !== "score" && !ctx.permissions.includes("committee:decide")) throw new Response("Forbidden", { status: 403 });
    const result =
      input.intent === "score"
        ? await saveScore(tx, ctx, periodId, input)
        : input.intent === "decide"
          ? await decide(tx, ctx, periodId, input)
          : await finalize(tx, ctx, periodId);
    if (!result.ok) return rejectSubmission(submission, result);
    return json({ result: submission.reply({ resetForm: true }), form, done: input.intent });
  });
}

function formIdOf(payload: Record<string, unknown>) {
  const intent = String(payload.intent ?? "");
  return intent === "score" || intent === "decide" ? `${intent}-${String(payload.organizationId ?? "")}` : intent;
}

export default function EvaluationPeriod() {
  const { period, weights, organizations, canDecide, slug } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as { result?: never; form?: string; done?: string } | undefined;
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const open = period.status === "open";
  const resultFor = (form: string) => (actionData?.form === form ? actionData.result : undefined);
  const nameOf = (e: { organizationName: string; organizationNameEn: string | null }) =>
    locale === "en" && e.organizationNameEn ? e.organizationNameEn : e.organizationName;
  const finalizeErrors =
    actionData?.form === "finalize" && actionData.result ? ((actionData.result as { error?: Record<string, string[]> }).error?.[""] ?? []) : [];
  return (
    <div className="space-y-8">
      <div>
        <p className="font-mono text-sm text-gray-500">{period.code}</p>
        <h1 className="text-2xl font-bold">{period.title}</h1>
        <p className="mt-1 text-sm">
          <Chip tone={open ? "amber" : "green"} testId="period-status">
            {t(`supervision.evaluations.statuses.${period.status}`)}
          </Chip>{" "}
          {period.finalizedAt ? (
            <>
              {formatDateTime(period.finalizedAt, locale)} ·{" "}
              <Link to={`/evaluations/${period.code}`} className="text-blue-700 hover:underline">
                {t("supervision.evaluations.publicList")}
              </Link>
            </>
          ) : null}
        </p>
        <div className="mt-2">
          <ExportLinks slug={slug} list="evaluation" query={{ period: period.id }} />
        </div>
        {actionData?.done ? <Notice tone="success">{t(`supervision.evaluations.done.${actionData.done}`)}</Notice> : null}
      </div>

      <section aria-labelledby="weights">
        <h2 id="weights" className="mb-2 text-lg font-semibold">
          {t("supervision.evaluations.weights")}
        </h2>
        <p className="mb-2 text-sm text-gray-600" data-testid="weights-source">
          {weights.frozen ? t("supervision.evaluations.weightsFrozen") : t("supervision.evaluations.weightsInForce")}{" "}
          {open ? (
            <Link to="/committee/settings#weights" className="text-blue-700 underline">
              {t("supervision.evaluations.weightsInSettings")}
            </Link>
          ) : null}
        </p>
        <ul className="grid max-w-2xl gap-1 text-sm sm:grid-cols-2">
          {criteria.map((c) => (
            <li key={c}>
              {t(`supervision.criteria.${c}`)}: <strong>{weights.current[c]}%</strong>
            </li>
          ))}
        </ul>
      </section>

      {organizations.map(({ evidence, means, weighted, scores, result }) => (
        <section
          key={evidence.organizationId}
          aria-labelledby={`org-${evidence.organizationId}`}
          className="space-y-3 rounded border border-gray-200 p-4"
          data-testid="evaluation-organization"
        >
          <h2 id={`org-${evidence.organizationId}`} className="text-lg font-semibold">
            {nameOf(evidence)}{" "}
            {result ? (
              <Chip tone={result.decision === "retain" ? "green" : result.decision === "warn" ? "amber" : "red"} testId="decision">
                {t(`supervision.decisions.${result.decision}`)}
              </Chip>
            ) : null}
          </h2>
          <EvidenceList evidence={evidence} />
          <table className="min-w-full text-sm">
            <caption className="sr-only">{t("supervision.evaluations.scores")}</caption>
            <thead className="text-left text-gray-600">
              <tr>
                <th className="px-2 py-1">{t("supervision.evaluations.criterion")}</th>
                <th className="px-2 py-1">{t("supervision.evaluations.weight")}</th>
                <th className="px-2 py-1">{t("supervision.evaluations.mean")}</th>
                <th className="px-2 py-1">{t("supervision.evaluations.memberScores")}</th>
              </tr>
            </thead>
            <tbody>
              {criteria.map((c) => (
                <tr key={c} className="border-t border-gray-100 align-top">
                  <td className="px-2 py-1">{t(`supervision.criteria.${c}`)}</td>
                  <td className="px-2 py-1">{weights.current[c]}%</td>
                  <td className="px-2 py-1">{means[c] ?? "—"}</td>
                  <td className="px-2 py-1">
                    <ul>
                      {scores
                        .filter((s) => s.criterion === c)
                        .map((s) => (
                          <li key={s.memberUserId}>
                            {s.memberName}: <strong>{s.score}</strong>
                            {s.comment ? ` — ${s.comment}` : ""}
                          </li>
                        ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="text-sm">
            {t("supervision.evaluations.weighted")}: <strong data-testid="weighted">{result?.weightedScore ?? weighted ?? "—"}</strong>
            {result?.note ? ` · ${result.note}` : ""}
          </p>
          {open ? (
            <div className="grid gap-4 lg:grid-cols-2">
              <SchemaForm
                id={`score-${evidence.organizationId}`}
                schema={scoreSchema}
                lastResult={resultFor(`score-${evidence.organizationId}`)}
                hidden={{ intent: "score", organizationId: evidence.organizationId }}
                fields={[
                  {
                    name: "criterion",
                    label: t("supervision.evaluations.criterion"),
                    kind: "select",
                    options: criteria.map((c) => ({ value: c, label: t(`supervision.criteria.${c}`) })),
                  },
                  { name: "score", label: t("supervision.evaluations.score"), kind: "number" },
                  { name: "comment", label: t("supervision.evaluations.comment"), kind: "textarea" },
                ]}
                submit={{ label: t("supervision.evaluations.saveScore") }}
              />
              {canDecide ? (
                <SchemaForm
                  id={`decide-${evidence.organizationId}`}
                  schema={decideSchema}
                  lastResult={resultFor(`decide-${evidence.organizationId}`)}
                  defaultValue={result ? { decision: result.decision, note: result.note } : undefined}
                  hidden={{ intent: "decide", organizationId: evidence.organizationId }}
                  fields={[
                    {
                      name: "decision",
                      label: t("supervision.evaluations.decision"),
                      kind: "select",
                      options: decisions.map((d) => ({ value: d, label: t(`supervision.decisions.${d}`) })),
                    },
                    { name: "note", label: t("supervision.evaluations.note"), kind: "textarea" },
                  ]}
                  submit={{ label: t("supervision.evaluations.saveDecision") }}
                />
              ) : null}
            </div>
          ) : null}
        </section>
      ))}

      {open && canDecide ? (
        <Form method="post" className="max-w-2xl rounded border border-amber-300 bg-amber-50 p-4">
          <input type="hidden" name="intent" value="finalize" />
          <p className="mb-3 text-sm">{t("supervision.evaluations.finalizeHint")}</p>
          <ErrorList errors={finalizeErrors} />
          <SubmitButton>{t("supervision.evaluations.finalize")}</SubmitButton>
        </Form>
      ) : null}
    </div>
  );
}
