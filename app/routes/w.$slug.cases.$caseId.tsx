import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { CaseForm } from "~/modules/cases/components/case-form";
import { MarkdownBody } from "~/modules/cases/components/markdown-body";
import { renderMarkdown } from "~/modules/cases/markdown.server";
import { caseFormSchema } from "~/modules/cases/schemas";
import { deleteCase, getCase, saveCase } from "~/modules/cases/service.server";
import { bankCertificates } from "~/modules/banks/service.server";
import { skillRequirements } from "~/modules/standards/requirements.server";
import { caseText, suggestRequirements } from "~/modules/standards/suggestions.server";
import { RequirementSuggestions } from "~/modules/standards/components/suggestions";
import { withTenant } from "~/modules/tenancy/context.server";
import { Notice } from "~/ui/form";
import { formatDateTime } from "~/ui/format";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { titleFrom } from "~/ui/page-title";

export const handle = titleFrom<typeof loader>((data) => data.case.title);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "certificates:read", async (tx, ctx) => {
    const found = await getCase(tx, ctx, params.caseId ?? "");
    if (!found) throw new Response("Not found", { status: 404 });
    const requirements = await skillRequirements(tx, ctx.tenant.id, found.certificateId);
    return {
      case: found,
      bodyHtml: renderMarkdown(found.body),
      linked: requirements.filter((r) => found.requirementIds.includes(r.lineageId)),
      requirements,
      certificates: await bankCertificates(tx, ctx),
      canWrite: ctx.permissions.includes("certificates:write"),
      // Issue 19 item 5: requirement suggestions for a case without any.
      suggestions:
        ctx.permissions.includes("certificates:write") && found.requirementIds.length === 0
          ? ((await suggestRequirements(tx, ctx.tenant.id, found.certificateId, [{ id: found.id, level: found.level, text: caseText(found) }])).get(found.id) ??
            [])
          : null,
    };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withTenant(request, params.slug, "certificates:write", async (tx, ctx) => {
    const submission = await parseForm(request, caseFormSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const input = submission.value;
    if (input.intent === "delete") {
      await deleteCase(tx, ctx, params.caseId ?? "");
      return redirect(`/w/${ctx.tenant.slug}/cases`);
    }
    const result = await saveCase(tx, ctx, params.caseId ?? "", input);
    if (!result.ok) return rejectSubmission(submission, result);
    return json({ result: submission.reply(), done: "saved" as const });
  });
}

export default function Case() {
  const { case: item, bodyHtml, linked, requirements, certificates, canWrite, suggestions } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { slug } = useParams();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const en = locale === "en";
  const saved = actionData && "done" in actionData;
  return (
    <div className="space-y-6">
      <article className="space-y-4">
        <div>
          <p className="text-sm text-gray-500">
            {t(`certificates.levelNames.${item.level}`)} · {t(`cases.visibilities.${item.visibility}`)} · {t("cases.updatedAt")}{" "}
            {formatDateTime(item.updatedAt, locale)}
          </p>
          <h1 className="text-2xl font-bold">{item.title}</h1>
          {item.industryContext ? <p className="text-gray-700">{item.industryContext}</p> : null}
        </div>
        {linked.length ? (
          <ul className="flex flex-wrap gap-2 text-xs" aria-label={t("cases.requirements")}>
            {linked.map((r) => (
              <li key={r.lineageId} className="rounded bg-blue-50 px-2 py-1 text-blue-900">
                <span className="font-mono">{r.code}</span> {en && r.titleEn ? r.titleEn : r.titleZh}
              </li>
            ))}
          </ul>
        ) : null}
        <MarkdownBody html={bodyHtml} />
      </article>
      {suggestions ? <RequirementSuggestions action={`/w/${slug}/cases/${item.id}/suggestions`} suggestions={suggestions} /> : null}
      {canWrite ? (
        <section className="space-y-3">
          <h2 className="text-lg font-semibold">{t("cases.edit")}</h2>
          {saved ? <Notice tone="success">{t("cases.saved")}</Notice> : null}
          <CaseForm
            key={`${item.id}-${String(item.updatedAt)}`}
            certificates={certificates}
            requirements={requirements}
            lastResult={actionData?.result}
            defaultValue={{
              certificateId: item.certificateId,
              level: item.level,
              title: item.title,
              industryContext: item.industryContext,
              body: item.body,
              requirementIds: item.requirementIds,
              visibility: item.visibility,
            }}
          />
          <Form method="post">
            <button type="submit" name="intent" value="delete" className="text-sm text-red-700 hover:underline">
              {t("cases.delete")}
            </button>
          </Form>
        </section>
      ) : null}
      <Link to={`..?certificate=${item.certificateId}`} relative="path" className="text-sm text-blue-700 hover:underline">
        ← {t("cases.title")}
      </Link>
    </div>
  );
}
