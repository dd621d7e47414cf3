import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { RatioTable } from "~/modules/credentials/components/major-ratio";
import { listMajorRatios } from "~/modules/credentials/ratio.server";
import { SchemaForm } from "~/modules/school/components/schema-form";
import { createMajor, listMajors } from "~/modules/school/majors.server";
import { educationLevels, majorFields } from "~/modules/school/schemas";
import { withTenant } from "~/modules/tenancy/context.server";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { EmptyState, ExportLinks, NextPage, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "school.majors.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "school:read", async (tx, ctx) => ({
    page: await listMajors(tx, ctx, { cursor: new URL(request.url).searchParams.get("cursor") ?? undefined }),
    canManage: ctx.permissions.includes("school:manage"),
    // 1:80 (issue 16 item 7): the cohorts above it, with the trainers they are short.
    shortfalls: (await listMajorRatios(tx, ctx.tenant.id)).filter((r) => r.scope === "major" && r.over),
  }));
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withTenant(request, params.slug, "school:manage", async (tx, ctx) => {
    const submission = await parseForm(request, majorFields, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const result = await createMajor(tx, ctx, submission.value);
    if (!result.ok) return rejectSubmission(submission, result);
    return redirect(`/w/${ctx.tenant.slug}/majors/${result.value.id}`);
  });
}

export default function Majors() {
  const { page, canManage, shortfalls } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-bold">{t("school.majors.title")}</h1>
        <div className="flex items-center gap-2">
          <ExportLinks list="majors" />
          {canManage ? (
            <Link to="import" className="rounded border border-gray-300 bg-white px-2 py-1 text-sm hover:bg-gray-100">
              {t("school.majors.import.title")}
            </Link>
          ) : null}
        </div>
      </div>
      <p className="text-sm text-gray-600">{t("school.majors.lead")}</p>
      {shortfalls.length ? (
        <section className="rounded border border-amber-200 bg-amber-50 p-4" data-testid="ratio-shortfalls">
          <h2 className="mb-2 font-semibold text-amber-900">{t("credentials.ratio.shortTitle")}</h2>
          <RatioTable rows={shortfalls} showMajor />
        </section>
      ) : null}
      {page.rows.length === 0 ? (
        <EmptyState>{t("school.majors.empty")}</EmptyState>
      ) : (
        <Table
          caption={t("school.majors.title")}
          head={
            <tr>
              <th className="px-3 py-2">{t("school.majors.code")}</th>
              <th className="px-3 py-2">{t("school.majors.name")}</th>
              <th className="px-3 py-2">{t("school.majors.educationLevel")}</th>
              <th className="px-3 py-2 text-right">{t("school.majors.cohorts")}</th>
              <th className="px-3 py-2 text-right">{t("school.majors.students")}</th>
            </tr>
          }
        >
          {page.rows.map((m) => (
            <tr key={m.id}>
              <td className="px-3 py-2 font-mono">{m.code}</td>
              <td className="px-3 py-2">
                <Link to={m.id} className="text-blue-700 hover:underline">
                  {m.name}
                </Link>
              </td>
              <td className="px-3 py-2">{t(`school.majors.levels.${m.educationLevel}`)}</td>
              <td className="px-3 py-2 text-right">{m.cohorts}</td>
              <td className="px-3 py-2 text-right">{m.students}</td>
            </tr>
          ))}
        </Table>
      )}
      <NextPage cursor={page.nextCursor} />
      {canManage ? (
        <section>
          <h2 className="mb-2 text-lg font-semibold">{t("school.majors.new")}</h2>
          <SchemaForm
            id="major"
            schema={majorFields}
            lastResult={actionData?.result}
            defaultValue={{ educationLevel: "higher_vocational" }}
            fields={[
              { name: "code", label: t("school.majors.code"), hint: t("school.majors.codeHint") },
              { name: "name", label: t("school.majors.name") },
              {
                name: "educationLevel",
                label: t("school.majors.educationLevel"),
                kind: "select",
                options: educationLevels.map((l) => ({ value: l, label: t(`school.majors.levels.${l}`) })),
              },
            ]}
            submit={{ label: t("school.majors.create") }}
          />
        </section>
      ) : null}
    </div>
  );
}
