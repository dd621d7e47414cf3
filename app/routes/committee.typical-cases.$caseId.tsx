import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { Chip, SchemaForm } from "~/modules/school/components/schema-form";
import { withCommittee } from "~/modules/tenancy/context.server";
import { typicalCaseActionSchema } from "~/modules/typical-cases/schemas";
import { committeeTypicalCase, decideTypicalCase, scoreTypicalCase } from "~/modules/typical-cases/typical-cases.server";
import { ErrorList, SubmitButton } from "~/ui/form";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { titleFrom } from "~/ui/page-title";

// One typical case: members score it with a comment; the admin selects or declines it.
export const handle = titleFrom<typeof loader>((data, t) => `${t("supervision.typicalCases.committeeTitle")} · ${data.typicalCase.title}`);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withCommittee({ request, context }, "committee:review", async (tx, ctx) => {
    const found = await committeeTypicalCase(tx, params.caseId ?? "");
    if (!found) throw new Response("Not found", { status: 404 });
    return { ...found, canDecide: ctx.permissions.includes("committee:decide") };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withCommittee(request, "committee:review", async (tx, ctx) => {
    const submission = await parseForm(request, typicalCaseActionSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const input = submission.value;
    if (input.intent !== "score" && !ctx.permissions.includes("committee:decide")) throw new Response("Forbidden", { status: 403 });
    const result =
      input.intent === "score"
        ? await scoreTypicalCase(tx, ctx, params.caseId ?? "", input)
        : await decideTypicalCase(tx, ctx, params.caseId ?? "", input.intent);
    if (!result.ok) return rejectSubmission(submission, result);
    return json({ result: submission.reply({ resetForm: true }) });
  });
}

const scoreFields = typicalCaseActionSchema.options[0];

export default function CommitteeTypicalCase() {
  const { typicalCase, submitter, meanScore, scores, canDecide } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>() as { result?: never } | undefined;
  const { t } = useTranslation();
  const formErrors = (actionData?.result as { error?: Record<string, string[]> } | undefined)?.error?.[""];
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-gray-500">{submitter}</p>
        <h1 className="text-2xl font-bold">{typicalCase.title}</h1>
        <Chip tone={typicalCase.status === "selected" ? "green" : typicalCase.status === "declined" ? "gray" : "blue"} testId="typical-case-status">
          {t(`supervision.typicalCases.statuses.${typicalCase.status}`)}
        </Chip>
      </div>
      <p className="max-w-3xl font-medium">{typicalCase.summary}</p>
      <div className="max-w-3xl whitespace-pre-wrap text-sm">{typicalCase.body}</div>
      <section>
        <h2 className="mb-2 text-lg font-semibold">
          {t("supervision.typicalCases.scores")} · {t("supervision.typicalCases.mean")} {meanScore ?? "—"}
        </h2>
        <ul className="space-y-1 text-sm">
          {scores.map((s) => (
            <li key={s.memberUserId}>
              {s.memberName}: <strong>{s.score}</strong>
              {s.comment ? ` — ${s.comment}` : ""}
            </li>
          ))}
        </ul>
      </section>
      <ErrorList errors={formErrors} />
      {typicalCase.status === "submitted" ? (
        <SchemaForm
          id="score"
          schema={scoreFields}
          lastResult={actionData?.result}
          hidden={{ intent: "score" }}
          fields={[
            { name: "score", label: t("supervision.typicalCases.score"), kind: "number" },
            { name: "comment", label: t("supervision.typicalCases.comment"), kind: "textarea" },
          ]}
          submit={{ label: t("supervision.typicalCases.saveScore") }}
        />
      ) : null}
      {canDecide ? (
        <Form method="post" className="flex gap-3">
          {typicalCase.status !== "selected" ? (
            <SubmitButton name="intent" value="select">
              {t("supervision.typicalCases.select")}
            </SubmitButton>
          ) : null}
          {typicalCase.status !== "declined" ? (
            <SubmitButton name="intent" value="decline" variant="secondary">
              {t("supervision.typicalCases.decline")}
            </SubmitButton>
          ) : null}
        </Form>
      ) : null}
    </div>
  );
}
