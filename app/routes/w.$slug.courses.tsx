import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { SchemaForm } from "~/modules/school/components/schema-form";
import { createCourse, listCourses } from "~/modules/school/mapping.server";
import { majorOptions } from "~/modules/school/majors.server";
import { courseFields, courseKinds } from "~/modules/school/schemas";
import { withTenant } from "~/modules/tenancy/context.server";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { EmptyState, ExportLinks, NextPage, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "school.courses.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "school:read", async (tx, ctx) => ({
    page: await listCourses(tx, ctx, { cursor: new URL(request.url).searchParams.get("cursor") ?? undefined }),
    majors: await majorOptions(tx, ctx),
    canWrite: ctx.permissions.includes("school:contribute"),
  }));
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withTenant(request, params.slug, "school:contribute", async (tx, ctx) => {
    const submission = await parseForm(request, courseFields, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const result = await createCourse(tx, ctx, submission.value);
    if (!result.ok) return rejectSubmission(submission, result);
    return json({ result: submission.reply({ resetForm: true }) });
  });
}

export default function Courses() {
  const { page, majors, canWrite } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-bold">{t("school.courses.title")}</h1>
        <ExportLinks list="courses" />
      </div>
      <p className="text-sm text-gray-600">{t("school.courses.lead")}</p>
      {page.rows.length === 0 ? (
        <EmptyState>{t("school.courses.empty")}</EmptyState>
      ) : (
        <Table
          caption={t("school.courses.title")}
          head={
            <tr>
              <th className="px-3 py-2">{t("school.courses.code")}</th>
              <th className="px-3 py-2">{t("school.courses.name")}</th>
              <th className="px-3 py-2 text-right">{t("school.courses.credits")}</th>
              <th className="px-3 py-2">{t("school.courses.semester")}</th>
              <th className="px-3 py-2">{t("school.courses.kind")}</th>
            </tr>
          }
        >
          {page.rows.map((c) => (
            <tr key={c.id}>
              <td className="px-3 py-2 font-mono">{c.code}</td>
              <td className="px-3 py-2">{c.name}</td>
              <td className="px-3 py-2 text-right">{c.credits}</td>
              <td className="px-3 py-2">{c.semester ? t("school.courses.semesterN", { semester: c.semester }) : t("school.courses.noSemester")}</td>
              <td className="px-3 py-2">{t(`school.courses.kinds.${c.kind}`)}</td>
            </tr>
          ))}
        </Table>
      )}
      <NextPage cursor={page.nextCursor} />
      {canWrite ? (
        <section>
          <h2 className="mb-2 text-lg font-semibold">{t("school.courses.new")}</h2>
          <SchemaForm
            id="course"
            schema={courseFields}
            lastResult={actionData?.result}
            defaultValue={{ kind: "professional_core" }}
            columns={2}
            fields={[
              { name: "code", label: t("school.courses.code") },
              { name: "name", label: t("school.courses.name") },
              { name: "credits", label: t("school.courses.credits") },
              { name: "semester", label: t("school.courses.semester"), kind: "number", hint: t("school.courses.semesterHint") },
              {
                name: "kind",
                label: t("school.courses.kind"),
                kind: "select",
                options: courseKinds.map((k) => ({ value: k, label: t(`school.courses.kinds.${k}`) })),
              },
              {
                name: "majorId",
                label: t("school.courses.major"),
                kind: "select",
                placeholder: t("school.none"),
                options: majors.map((m) => ({ value: m.id, label: `${m.code} ${m.name}` })),
              },
            ]}
            submit={{ label: t("school.courses.create") }}
          />
        </section>
      ) : null}
    </div>
  );
}
