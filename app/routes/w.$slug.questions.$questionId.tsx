import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { MarkdownBody } from "~/modules/cases/components/markdown-body";
import { renderMarkdown } from "~/modules/cases/markdown.server";
import { QuestionForm } from "~/modules/questions/components/question-form";
import { QuestionMedia } from "~/modules/questions/components/question-media";
import { questionAttachmentsOf } from "~/modules/questions/attachments.server";
import { weightsFit } from "~/modules/questions/weights";
import { questionFormSchema } from "~/modules/questions/schemas";
import { bankCertificates } from "~/modules/banks/service.server";
import { deleteQuestion, diffSnapshots, getQuestion, questionVersionsOf, saveQuestion, type Snapshot } from "~/modules/questions/service.server";
import { skillRequirements } from "~/modules/standards/requirements.server";
import { similarQuestions } from "~/modules/questions/duplicates.server";
import { questionText, suggestRequirements } from "~/modules/standards/suggestions.server";
import { RequirementSuggestions, SimilarQuestions } from "~/modules/standards/components/suggestions";
import { withTenant } from "~/modules/tenancy/context.server";
import { ErrorList, Notice } from "~/ui/form";
import { formatDateTime } from "~/ui/format";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { Table } from "~/ui/list";
import { titleFrom } from "~/ui/page-title";

export const handle = titleFrom<typeof loader>((data, t) => `${t(`questions.types.${data.question.type}`)} · ${data.question.stem.slice(0, 24)}`);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "certificates:read", async (tx, ctx) => {
    const question = await getQuestion(tx, ctx, params.questionId ?? "");
    if (!question) throw new Response("Not found", { status: 404 });
    const versions = await questionVersionsOf(tx, ctx, question.id);
    const query = new URL(request.url).searchParams;
    const canWrite = ctx.permissions.includes("certificates:write");
    // Issue 19: near-identical questions of the bank; requirement suggestions for a question without any.
    const similar = await similarQuestions(tx, ctx.tenant.id, question);
    const suggestions =
      canWrite && question.requirementIds.length === 0
        ? ((
            await suggestRequirements(tx, ctx.tenant.id, question.certificateId, [{ id: question.id, level: question.level, text: questionText(question) }])
          ).get(question.id) ?? [])
        : null;
    const from = versions.find((v) => String(v.version) === query.get("from"));
    const to = versions.find((v) => String(v.version) === query.get("to"));
    return {
      question,
      versions: versions.map((v) => ({ version: v.version, publishedAt: v.publishedAt })),
      diff:
        from && to
          ? { from: from.version, to: to.version, changes: diffSnapshots(from.snapshot as Partial<Snapshot>, to.snapshot as Partial<Snapshot>) }
          : null,
      certificates: await bankCertificates(tx, ctx),
      requirements: await skillRequirements(tx, ctx.tenant.id, question.certificateId),
      canWrite,
      // Formatted text (Markdown, e.g. from a Moodle import), rendered and sanitized like a case body.
      stemHtml: renderMarkdown(question.stem),
      attachments: await questionAttachmentsOf(tx, ctx, question.id),
      similar,
      suggestions,
    };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withTenant(request, params.slug, "certificates:write", async (tx, ctx) => {
    const id = params.questionId ?? "";
    const submission = await parseForm(request, questionFormSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const input = submission.value;
    if (input.intent === "delete") {
      const result = await deleteQuestion(tx, ctx, id);
      if (!result.ok) return rejectSubmission(submission, result);
      return redirect(`/w/${ctx.tenant.slug}/questions`);
    }
    const result = await saveQuestion(tx, ctx, id, input, input.intent === "publish");
    if (!result.ok) return rejectSubmission(submission, result);
    return json({ result: submission.reply(), done: input.intent === "publish" ? ("published" as const) : ("saved" as const) });
  });
}

function show(value: unknown) {
  if (Array.isArray(value)) return value.join(" / ");
  return value === null || value === undefined ? "—" : String(value);
}

export default function Question() {
  const { question, versions, diff, certificates, requirements, canWrite, stemHtml, attachments, similar, suggestions } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { slug } = useParams();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const done = actionData && "done" in actionData ? actionData.done : null;
  const formErrors = actionData?.result && "error" in actionData.result ? actionData.result.error?.[""] : undefined;
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-gray-500">
          {t(`questions.pools.${question.pool}`)} · {question.version ? `v${question.version}` : t("questions.statuses.draft")}
          {question.version && question.status === "draft" ? ` · ${t("questions.draftChanges")}` : ""}
        </p>
        <h1 className="text-2xl font-bold">{canWrite ? t("questions.edit") : t(`questions.types.${question.type}`)}</h1>
      </div>
      {done ? <Notice tone="success">{t(`questions.done.${done}`)}</Notice> : null}
      <ErrorList errors={formErrors} />
      {suggestions ? <RequirementSuggestions action={`/w/${slug}/questions/${question.id}/suggestions`} suggestions={suggestions} /> : null}
      {canWrite ? (
        <QuestionForm
          key={`${question.id}-${String(question.updatedAt)}`}
          certificates={certificates}
          requirements={requirements}
          lastResult={actionData?.result}
          defaultValue={{
            certificateId: question.certificateId,
            level: question.level,
            type: question.type,
            stem: question.stem,
            options: question.options.join("\n"),
            answer: question.type === "true_false" ? t(`questions.trueFalse.${question.answer}`) : question.answer,
            explanation: question.explanation,
            rubric: question.rubric,
            difficulty: String(question.difficulty),
            requirementIds: question.requirementIds,
            tags: question.tags.join(", "),
            pool: question.pool,
            visibility: question.visibility,
          }}
        />
      ) : (
        <dl className="grid max-w-3xl grid-cols-[8rem_1fr] gap-2 rounded border border-gray-200 bg-white p-6 text-sm">
          <dt className="text-gray-600">{t("questions.stem")}</dt>
          <dd>
            <MarkdownBody html={stemHtml} />
          </dd>
          {question.options.length ? (
            <>
              <dt className="text-gray-600">{t("questions.options")}</dt>
              <dd>
                <ol className="list-[upper-alpha] pl-5">
                  {question.options.map((option, i) => (
                    <li key={i}>{option}</li>
                  ))}
                </ol>
              </dd>
            </>
          ) : null}
          <dt className="text-gray-600">{t("questions.answer")}</dt>
          <dd>{question.type === "true_false" ? t(`questions.trueFalse.${question.answer}`) : question.answer}</dd>
          <dt className="text-gray-600">{t("questions.explanation")}</dt>
          <dd className="whitespace-pre-wrap">{question.explanation || "—"}</dd>
        </dl>
      )}
      <QuestionMedia
        questionId={question.id}
        attachments={attachments}
        weights={weightsFit(question) ? question.answerWeights : null}
        options={question.options}
      />
      <SimilarQuestions slug={slug ?? ""} similar={similar} />
      <section>
        <h2 className="mb-2 text-lg font-semibold">{t("questions.versions")}</h2>
        {versions.length === 0 ? (
          <p className="text-sm text-gray-600">{t("questions.noVersions")}</p>
        ) : (
          <>
            <ul className="mb-3 space-y-1 text-sm">
              {versions.map((v) => (
                <li key={v.version}>
                  v{v.version} · {formatDateTime(v.publishedAt, locale)}
                </li>
              ))}
            </ul>
            {versions.length > 1 ? (
              <Form method="get" className="flex items-end gap-2 text-sm">
                {(["from", "to"] as const).map((name, i) => (
                  <label key={name}>
                    {name === "from" ? t("questions.before") : t("questions.after")}
                    <select
                      name={name}
                      defaultValue={String(diff ? diff[name] : versions[i === 0 ? 1 : 0].version)}
                      className="mt-1 block rounded border border-gray-300 bg-white px-2 py-1"
                    >
                      {versions.map((v) => (
                        <option key={v.version} value={v.version}>
                          v{v.version}
                        </option>
                      ))}
                    </select>
                  </label>
                ))}
                <button type="submit" className="rounded border border-gray-300 bg-white px-3 py-1 hover:bg-gray-100">
                  {t("questions.compare")}
                </button>
              </Form>
            ) : null}
          </>
        )}
        {diff ? (
          <div className="mt-4" data-testid="question-diff">
            <h3 className="mb-2 font-semibold">{t("questions.diffTitle", { from: diff.from, to: diff.to })}</h3>
            {diff.changes.length === 0 ? (
              <p className="text-sm text-gray-600">{t("questions.noChanges")}</p>
            ) : (
              <Table
                caption={t("questions.diffTitle", { from: diff.from, to: diff.to })}
                head={
                  <tr>
                    <th className="px-3 py-2">{t("questions.field")}</th>
                    <th className="px-3 py-2">{t("questions.before")}</th>
                    <th className="px-3 py-2">{t("questions.after")}</th>
                  </tr>
                }
              >
                {diff.changes.map((change) => (
                  <tr key={change.field}>
                    <td className="px-3 py-2">{t(`questions.${change.field === "requirementIds" ? "requirements" : change.field}`)}</td>
                    <td className="whitespace-pre-wrap px-3 py-2 text-red-800 line-through decoration-red-300">{show(change.from)}</td>
                    <td className="whitespace-pre-wrap px-3 py-2 text-green-800">{show(change.to)}</td>
                  </tr>
                ))}
              </Table>
            )}
          </div>
        ) : null}
      </section>
      {canWrite && question.version === 0 ? (
        <Form method="post">
          <button type="submit" name="intent" value="delete" className="text-sm text-red-700 hover:underline">
            {t("questions.delete")}
          </button>
        </Form>
      ) : null}
      <Link to={`/w/${slug}/questions?certificate=${question.certificateId}`} className="text-sm text-blue-700 hover:underline">
        ← {t("questions.title")}
      </Link>
    </div>
  );
}
