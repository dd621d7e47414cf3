import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Chip } from "~/modules/school/components/schema-form";
import { changeMapping, courseOptions, mappingOf } from "~/modules/school/mapping.server";
import { mappingActionSchema } from "~/modules/school/schemas";
import { withTenant } from "~/modules/tenancy/context.server";
import { ErrorList } from "~/ui/form";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { EmptyState, Table } from "~/ui/list";
import { titleFrom } from "~/ui/page-title";

// 书证融通: each skill requirement of the adopted level → the school's courses; coverage above.
export const handle = titleFrom<typeof loader>((data, t) => `${t("school.mapping.title")} · ${data.mapping.adoption.certificateName}`);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "school:read", async (tx, ctx) => {
    const mapping = await mappingOf(tx, ctx, params.adoptionId ?? "");
    if (!mapping) throw new Response("Not found", { status: 404 });
    return { mapping, courses: await courseOptions(tx, ctx), canMap: ctx.permissions.includes("school:contribute") };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withTenant(request, params.slug, "school:contribute", async (tx, ctx) => {
    const submission = await parseForm(request, mappingActionSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const result = await changeMapping(tx, ctx, params.adoptionId ?? "", submission.value);
    if (!result.ok) return rejectSubmission(submission, result);
    return json({ result: submission.reply() });
  });
}

const tone = { covered: "green", uncovered: "red", unscheduled: "amber" } as const;

export default function Mapping() {
  const { mapping, courses, canMap } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const en = i18n.language === "en";
  const errors = actionData?.result && "error" in actionData.result ? (Object.values(actionData.result.error ?? {}).flat() as string[]) : [];
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div>
          <h1 className="text-2xl font-bold">{t("school.mapping.title")}</h1>
          <p className="text-sm text-gray-600">
            {mapping.adoption.certificateName} · {t(`certificates.levelNames.${mapping.adoption.level}`)} ·{" "}
            {mapping.adoption.standardVersion ? t("school.adoptions.versionN", { version: mapping.adoption.standardVersion }) : ""}
          </p>
        </div>
        <a href="mapping.xlsx" className="rounded border border-gray-300 bg-white px-2 py-1 text-sm hover:bg-gray-100" download>
          {t("common.exportXlsx")}
        </a>
      </div>
      <p className="text-sm text-gray-600">{t("school.mapping.lead")}</p>
      <p className="text-sm" data-testid="coverage-summary">
        {t("school.mapping.summary", { total: mapping.rows.length, uncovered: mapping.uncovered, unscheduled: mapping.unscheduled })}
      </p>
      <ErrorList errors={errors} />
      {mapping.rows.length === 0 ? (
        <EmptyState>{t("school.mapping.empty")}</EmptyState>
      ) : (
        <Table
          caption={t("school.mapping.title")}
          head={
            <tr>
              <th className="px-3 py-2">{t("school.mapping.requirement")}</th>
              <th className="px-3 py-2">{t("school.mapping.courses")}</th>
              <th className="px-3 py-2">{t("school.mapping.state")}</th>
            </tr>
          }
        >
          {mapping.rows.map((r) => (
            <tr key={r.lineageId} data-testid={`requirement-${r.state}`}>
              <td className="px-3 py-2">
                <span className="font-mono">{r.code}</span> {en && r.titleEn ? r.titleEn : r.titleZh}
              </td>
              <td className="px-3 py-2">
                <ul>
                  {r.courses.map((c) => (
                    <li key={c.courseId} className="flex items-center gap-2">
                      {c.code} {c.name} {c.semester ? t("school.courses.semesterN", { semester: c.semester }) : t("school.courses.noSemester")}
                      {canMap ? (
                        <Form method="post">
                          <input type="hidden" name="lineageId" value={r.lineageId} />
                          <input type="hidden" name="courseId" value={c.courseId} />
                          <button type="submit" name="intent" value="unmap" className="text-xs text-red-700 underline">
                            {t("school.mapping.unmap")}
                          </button>
                        </Form>
                      ) : null}
                    </li>
                  ))}
                </ul>
                {canMap && courses.length ? (
                  <Form method="post" className="mt-1 flex items-center gap-2">
                    <input type="hidden" name="lineageId" value={r.lineageId} />
                    <label className="sr-only" htmlFor={`course-${r.lineageId}`}>
                      {t("school.mapping.course")}
                    </label>
                    <select id={`course-${r.lineageId}`} name="courseId" className="rounded border border-gray-300 bg-white px-2 py-1 text-sm">
                      {courses.map((c) => (
                        <option key={c.id} value={c.id}>
                          {c.code} {c.name}
                        </option>
                      ))}
                    </select>
                    <button type="submit" name="intent" value="map" className="rounded border border-gray-300 bg-white px-2 py-1 text-xs hover:bg-gray-100">
                      {t("school.mapping.map")}
                    </button>
                  </Form>
                ) : null}
              </td>
              <td className="px-3 py-2">
                <Chip tone={tone[r.state]}>{t(`school.mapping.states.${r.state}`)}</Chip>
              </td>
            </tr>
          ))}
        </Table>
      )}
    </div>
  );
}
