import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { RatioTable } from "~/modules/credentials/components/major-ratio";
import { linkCredential, listMajorLinks, listMajorRatios, unlinkCredential } from "~/modules/credentials/ratio.server";
import { linkActionSchema, linkFields } from "~/modules/credentials/schemas";
import { SchemaForm } from "~/modules/school/components/schema-form";
import { deleteCohort, getMajor, saveCohort, updateMajor } from "~/modules/school/majors.server";
import { cohortFields, educationLevels, majorActionSchema, majorFields } from "~/modules/school/schemas";
import { withTenant } from "~/modules/tenancy/context.server";
import { formatDay } from "~/ui/format";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { EmptyState, Table } from "~/ui/list";
import { titleFrom } from "~/ui/page-title";

export const handle = titleFrom<typeof loader>((data) => `${data.major.code} ${data.major.name}`);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "school:read", async (tx, ctx) => {
    const found = await getMajor(tx, ctx, params.majorId ?? "");
    if (!found) throw new Response("Not found", { status: 404 });
    const [ratios, links] = await Promise.all([listMajorRatios(tx, ctx.tenant.id, { majorId: found.major.id }), listMajorLinks(tx, ctx, found.major.id)]);
    return { ...found, ratios, links, canManage: ctx.permissions.includes("school:manage") };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withTenant(request, params.slug, "school:manage", async (tx, ctx) => {
    const id = params.majorId ?? "";
    // Linking a credential (1:80, issue 16 item 7) is this page's too.
    const linkIntent = (await request.clone().formData()).get("intent");
    if (linkIntent === "link" || linkIntent === "unlink") {
      if (!(await getMajor(tx, ctx, id))) throw new Response("Not found", { status: 404 });
      const linking = await parseForm(request, linkActionSchema, ctx.locale);
      if (linking.status !== "success") return rejectSubmission(linking);
      const linked =
        linking.value.intent === "link" ? await linkCredential(tx, ctx, id, linking.value) : await unlinkCredential(tx, ctx, id, linking.value.linkId);
      if (!linked.ok) return rejectSubmission(linking, linked);
      return json({ result: linking.reply({ resetForm: true }), done: linking.value.intent, saved: 1 });
    }
    const submission = await parseForm(request, majorActionSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const { intent, ...input } = submission.value;
    const result =
      submission.value.intent === "update"
        ? await updateMajor(tx, ctx, id, submission.value)
        : submission.value.intent === "cohort"
          ? await saveCohort(tx, ctx, id, submission.value)
          : await deleteCohort(tx, ctx, id, submission.value.cohortId);
    if (!result.ok) return rejectSubmission(submission, result);
    return json({ result: submission.reply({ resetForm: intent !== "update" }), done: intent, saved: Object.keys(input).length });
  });
}

export default function Major() {
  const { major, cohorts, piloted, ratios, links, canManage } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-gray-500">{t("school.majors.title")}</p>
        <h1 className="text-2xl font-bold">
          <span className="font-mono">{major.code}</span> {major.name}
        </h1>
        <p className="text-sm text-gray-600">{t(`school.majors.levels.${major.educationLevel}`)}</p>
      </div>
      <section>
        <h2 className="mb-2 text-lg font-semibold">{t("school.majors.piloted")}</h2>
        {piloted.length === 0 ? (
          <EmptyState>{t("school.majors.noPiloted")}</EmptyState>
        ) : (
          <ul className="list-disc pl-6 text-sm">
            {piloted.map((p) => (
              <li key={`${p.certificateId}:${p.level}`}>
                {p.certificateName ?? "—"} · {t(`certificates.levelNames.${p.level}`)}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section>
        <h2 className="mb-2 text-lg font-semibold">{t("school.majors.cohorts")}</h2>
        {cohorts.length === 0 ? (
          <EmptyState>{t("school.majors.noCohorts")}</EmptyState>
        ) : (
          <Table
            caption={t("school.majors.cohorts")}
            head={
              <tr>
                <th className="px-3 py-2">{t("school.majors.entryYear")}</th>
                <th className="px-3 py-2 text-right">{t("school.majors.students")}</th>
                <th className="px-3 py-2">{t("school.majors.expectedGraduation")}</th>
                {canManage ? <th className="px-3 py-2">{t("school.actions")}</th> : null}
              </tr>
            }
          >
            {cohorts.map((c) => (
              <tr key={c.id}>
                <td className="px-3 py-2">{c.entryYear}</td>
                <td className="px-3 py-2 text-right">{c.studentCount}</td>
                <td className="px-3 py-2">{formatDay(c.expectedGraduation, locale)}</td>
                {canManage ? (
                  <td className="px-3 py-2">
                    <Form method="post">
                      <input type="hidden" name="cohortId" value={c.id} />
                      <button type="submit" name="intent" value="deleteCohort" className="text-sm text-red-700 underline">
                        {t("school.majors.deleteCohort")}
                      </button>
                    </Form>
                  </td>
                ) : null}
              </tr>
            ))}
          </Table>
        )}
      </section>
      <section>
        <h2 className="mb-2 text-lg font-semibold">{t("credentials.ratio.title")}</h2>
        <p className="mb-2 text-sm text-gray-600">{t("credentials.ratio.lead")}</p>
        <RatioTable rows={ratios} />
        <h3 className="mb-2 mt-4 font-semibold">{t("credentials.ratio.linked")}</h3>
        {links.length === 0 ? (
          <EmptyState>{t("credentials.ratio.noLinks")}</EmptyState>
        ) : (
          <Table
            caption={t("credentials.ratio.linked")}
            head={
              <tr>
                <th className="px-3 py-2">{t("credentials.ratio.teacher")}</th>
                <th className="px-3 py-2">{t("credentials.number")}</th>
                <th className="px-3 py-2">{t("credentials.organization")}</th>
                <th className="px-3 py-2">{t("credentials.ratio.counts")}</th>
                {canManage ? <th className="px-3 py-2">{t("school.actions")}</th> : null}
              </tr>
            }
          >
            {links.map((l) => (
              <tr key={l.id} data-testid="linked-credential">
                <td className="px-3 py-2">{l.teacherName}</td>
                <td className="px-3 py-2 font-mono">
                  <a href={`/verify/${l.number}`} className="text-blue-700 hover:underline">
                    {l.number}
                  </a>
                </td>
                <td className="px-3 py-2">{l.organization}</td>
                <td className="px-3 py-2">{l.counts ? t("credentials.ratio.countsYes") : t("credentials.ratio.countsNo")}</td>
                {canManage ? (
                  <td className="px-3 py-2">
                    <Form method="post">
                      <input type="hidden" name="linkId" value={l.id} />
                      <button type="submit" name="intent" value="unlink" className="text-sm text-red-700 underline">
                        {t("credentials.ratio.unlink")}
                      </button>
                    </Form>
                  </td>
                ) : null}
              </tr>
            ))}
          </Table>
        )}
        {canManage ? (
          <div className="mt-4 max-w-xl">
            <h3 className="mb-2 font-semibold">{t("credentials.ratio.link")}</h3>
            <SchemaForm
              id="link"
              schema={linkFields}
              lastResult={actionData?.result}
              fields={[
                { name: "number", label: t("credentials.number"), placeholder: "XC-2026-000123-K" },
                { name: "proof", label: t("credentials.ratio.proof"), hint: t("credentials.ratio.proofHint") },
              ]}
              submit={{ label: t("credentials.ratio.linkSubmit"), intent: "link" }}
            />
          </div>
        ) : null}
      </section>
      {canManage ? (
        <div className="grid gap-6 lg:grid-cols-2">
          <section>
            <h2 className="mb-2 text-lg font-semibold">{t("school.majors.addCohort")}</h2>
            <SchemaForm
              id="cohort"
              schema={cohortFields}
              lastResult={actionData?.result}
              fields={[
                { name: "entryYear", label: t("school.majors.entryYear"), kind: "number" },
                { name: "studentCount", label: t("school.majors.students"), kind: "number" },
                { name: "expectedGraduation", label: t("school.majors.expectedGraduation"), kind: "date" },
              ]}
              submit={{ label: t("school.majors.saveCohort"), intent: "cohort" }}
            />
          </section>
          <section>
            <h2 className="mb-2 text-lg font-semibold">{t("school.majors.edit")}</h2>
            <SchemaForm
              id="major"
              schema={majorFields}
              lastResult={actionData?.result}
              defaultValue={{ code: major.code, name: major.name, educationLevel: major.educationLevel }}
              fields={[
                { name: "code", label: t("school.majors.code") },
                { name: "name", label: t("school.majors.name") },
                {
                  name: "educationLevel",
                  label: t("school.majors.educationLevel"),
                  kind: "select",
                  options: educationLevels.map((l) => ({ value: l, label: t(`school.majors.levels.${l}`) })),
                },
              ]}
              submit={{ label: t("school.save"), intent: "update" }}
            />
          </section>
        </div>
      ) : null}
    </div>
  );
}
