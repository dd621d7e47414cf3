import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { periodSchema } from "~/modules/evaluations/criteria";
import { createPeriod, listPeriods } from "~/modules/evaluations/evaluations.server";
import { Chip, SchemaForm } from "~/modules/school/components/schema-form";
import { withCommittee } from "~/modules/tenancy/context.server";
import { formatDate } from "~/ui/format";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { EmptyState, ExportLinks, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

// 动态遴选 (issue 17 item 2): the evaluation periods; the admin opens a new one.
export const handle: RouteHandle = { title: "supervision.evaluations.title" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  return withCommittee({ request, context }, "committee:review", async (tx, ctx) => ({
    slug: ctx.tenant.slug,
    periods: await listPeriods(tx, ctx),
    canDecide: ctx.permissions.includes("committee:decide"),
  }));
}

export async function action({ request }: ActionFunctionArgs) {
  return withCommittee(request, "committee:decide", async (tx, ctx) => {
    const submission = await parseForm(request, periodSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const result = await createPeriod(tx, ctx, submission.value);
    if (!result.ok) return rejectSubmission(submission, result);
    return redirect(`/committee/evaluations/${result.value.id}`);
  });
}

export default function Evaluations() {
  const { periods, canDecide, slug } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as { result?: never } | undefined;
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">{t("supervision.evaluations.title")}</h1>
      <p className="max-w-3xl text-sm text-gray-600">{t("supervision.evaluations.intro")}</p>
      <ExportLinks slug={slug} list="evaluation-periods" />
      {periods.length === 0 ? (
        <EmptyState>{t("supervision.evaluations.empty")}</EmptyState>
      ) : (
        <Table
          caption={t("supervision.evaluations.title")}
          head={
            <tr>
              <th className="px-3 py-2">{t("supervision.evaluations.code")}</th>
              <th className="px-3 py-2">{t("supervision.evaluations.periodTitle")}</th>
              <th className="px-3 py-2">{t("supervision.evaluations.status")}</th>
              <th className="px-3 py-2">{t("supervision.evaluations.finalizedAt")}</th>
            </tr>
          }
        >
          {periods.map((p) => (
            <tr key={p.id}>
              <td className="px-3 py-2 font-mono">{p.code}</td>
              <td className="px-3 py-2">
                <Link to={p.id} className="text-blue-700 hover:underline">
                  {p.title}
                </Link>
              </td>
              <td className="px-3 py-2">
                <Chip tone={p.status === "finalized" ? "green" : "amber"}>{t(`supervision.evaluations.statuses.${p.status}`)}</Chip>
              </td>
              <td className="px-3 py-2">{p.finalizedAt ? formatDate(p.finalizedAt, locale) : "—"}</td>
            </tr>
          ))}
        </Table>
      )}
      {canDecide ? (
        <section className="max-w-xl">
          <h2 className="mb-2 text-lg font-semibold">{t("supervision.evaluations.open")}</h2>
          <SchemaForm
            id="period"
            schema={periodSchema}
            lastResult={actionData?.result}
            fields={[
              { name: "code", label: t("supervision.evaluations.code"), hint: t("supervision.evaluations.codeHint") },
              { name: "title", label: t("supervision.evaluations.periodTitle") },
            ]}
            submit={{ label: t("supervision.evaluations.open") }}
          />
        </section>
      ) : null}
    </div>
  );
}
