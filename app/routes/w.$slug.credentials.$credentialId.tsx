import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { addEvidence, listEvidence, maxCredentialEvidenceBytes, removeEvidence } from "~/modules/credentials/evidence.server";
import { evidenceActionSchema, settableStatuses, statusChangeSchema } from "~/modules/credentials/schemas";
import { withFileChanges } from "~/modules/storage/storage.server";
import { changeCredentialStatus, credentialHistory, getCredential } from "~/modules/credentials/service.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { ErrorList, Field, Notice, SelectField, SubmitButton } from "~/ui/form";
import { formatDateTime, formatDay } from "~/ui/format";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { Table } from "~/ui/list";
import { titleFrom } from "~/ui/page-title";
import { zodErrorMap } from "~/ui/zod-errors";

export const handle = titleFrom<typeof loader>((data) => data.credential.number);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "credentials:read", async (tx, ctx) => {
    const found = await getCredential(tx, ctx, params.credentialId ?? "");
    if (!found) throw new Response("Not found", { status: 404 });
    return {
      ...found,
      history: await credentialHistory(tx, ctx, found.credential.id),
      evidence: await listEvidence(tx, ctx, found.credential.id),
      canWrite: ctx.permissions.includes("credentials:write"),
    };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  // Evidence files (multipart): stored through app/modules/storage, removed again unless the request commits.
  if (request.headers.get("content-type")?.startsWith("multipart/form-data")) {
    return withFileChanges((files) =>
      withTenant(request, params.slug, "credentials:write", async (tx, ctx) => {
        const submission = await parseForm(request, evidenceActionSchema, ctx.locale, { field: "file", maxBytes: maxCredentialEvidenceBytes });
        if (submission.status !== "success") return rejectSubmission(submission);
        const found = await getCredential(tx, ctx, params.credentialId ?? "");
        if (!found) throw new Response("Not found", { status: 404 });
        const input = submission.value;
        const result =
          input.intent === "evidence"
            ? await addEvidence(tx, ctx, files, found.credential.id, input.file)
            : await removeEvidence(tx, ctx, files, found.credential.id, input.evidenceId);
        if (!result.ok) return rejectSubmission(submission, result);
        return json({ result: submission.reply({ resetForm: true }), evidence: input.intent });
      }),
    );
  }
  return withTenant(request, params.slug, "credentials:write", async (tx, ctx) => {
    const submission = await parseForm(request, statusChangeSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const result = await changeCredentialStatus(tx, ctx, params.credentialId ?? "", submission.value);
    if (!result.ok) return rejectSubmission(submission, result);
    return json({ result: submission.reply({ resetForm: true }), changed: true });
  });
}

export default function CredentialPage() {
  const { credential, holder, certificate, history, evidence, canWrite } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const [form, fields] = useForm({
    id: "status",
    lastResult: actionData?.result,
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: statusChangeSchema, error: zodErrorMap(t) }),
  });
  const evidenceResult =
    actionData && "evidence" in actionData
      ? actionData.result
      : (actionData?.result?.initialValue as { intent?: string } | undefined)?.intent === "evidence"
        ? actionData?.result
        : undefined;
  const [evidenceForm, evidenceFields] = useForm({
    id: "evidence",
    lastResult: evidenceResult,
    shouldValidate: "onSubmit",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: evidenceActionSchema, error: zodErrorMap(t) }),
  });
  return (
    <div className="space-y-6">
      <Link to=".." relative="path" className="text-sm text-blue-700 hover:underline">
        ← {t("credentials.title")}
      </Link>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="font-mono text-2xl font-bold">{credential.number}</h1>
        {credential.status !== "draft" ? (
          <a href={`/verify/${credential.number}`} className="text-sm text-blue-700 hover:underline">
            {t("credentials.publicPage")}
          </a>
        ) : null}
      </div>
      {actionData && "changed" in actionData ? <Notice tone="success">{t("credentials.statusChanged")}</Notice> : null}
      <dl className="grid max-w-2xl grid-cols-[auto_1fr] gap-x-4 gap-y-2 rounded border border-gray-200 bg-white p-4 text-sm">
        <dt className="text-gray-600">{t("credentials.holder")}</dt>
        <dd>
          {holder.name}{" "}
          <span className="text-gray-500">
            ({t("credentials.idLast4")} {holder.idLast4})
          </span>
        </dd>
        <dt className="text-gray-600">{t("credentials.source")}</dt>
        <dd>{t(`credentials.sources.${holder.source}`)}</dd>
        <dt className="text-gray-600">{t("credentials.employer")}</dt>
        <dd>{holder.employer || "—"}</dd>
        <dt className="text-gray-600">{t("credentials.contact")}</dt>
        <dd>{holder.contact || "—"}</dd>
        <dt className="text-gray-600">{t("credentials.role")}</dt>
        <dd>{t(`credentials.roles.${credential.role}`)}</dd>
        <dt className="text-gray-600">{t("credentials.certificate")}</dt>
        <dd>
          {certificate.code} · {locale === "en" ? certificate.nameEn : certificate.nameZh} ·{" "}
          {credential.levels.map((l) => t(`certificates.levelNames.${l}`)).join("/")}
        </dd>
        <dt className="text-gray-600">{t("credentials.validity")}</dt>
        <dd>
          {formatDay(credential.issuedOn, locale)} – {formatDay(credential.expiresOn, locale)}
        </dd>
        <dt className="text-gray-600">{t("credentials.status")}</dt>
        <dd data-testid="credential-status">
          {t(`credentials.statuses.${credential.status}`)}
          {credential.statusReason ? ` · ${credential.statusReason}` : ""}
        </dd>
      </dl>
      {canWrite && !["revoked", "expired"].includes(credential.status) ? (
        <Form method="post" {...getFormProps(form)} className="max-w-2xl rounded border border-gray-200 bg-white p-4">
          <h2 className="mb-2 text-lg font-semibold">{t("credentials.changeStatus")}</h2>
          <input type="hidden" name="intent" value="status" />
          <SelectField
            label={t("credentials.newStatus")}
            meta={fields.status}
            placeholder={t("common.choose")}
            options={settableStatuses.filter((s) => s !== credential.status).map((s) => ({ value: s, label: t(`credentials.statuses.${s}`) }))}
          />
          <Field label={t("credentials.statusReason")} meta={fields.reason} />
          <ErrorList id={form.errorId} errors={form.errors} />
          <SubmitButton>{t("credentials.applyStatus")}</SubmitButton>
        </Form>
      ) : null}
      <section>
        <h2 className="mb-2 text-lg font-semibold">{t("credentials.evidence.title")}</h2>
        {evidence.length === 0 ? (
          <p className="text-sm text-gray-600">{t("credentials.evidence.none")}</p>
        ) : (
          <ul className="mb-2 space-y-1 text-sm">
            {evidence.map((e) => (
              <li key={e.id} className="flex items-center gap-3" data-testid="evidence-file">
                <a href={`evidence/${e.id}`} className="text-blue-700 underline" download>
                  {e.fileName}
                </a>
                <span className="text-gray-500">{Math.ceil(e.byteSize / 1024)} KB</span>
                {canWrite ? (
                  <Form method="post" encType="multipart/form-data">
                    <input type="hidden" name="evidenceId" value={e.id} />
                    <button type="submit" name="intent" value="removeEvidence" className="text-red-700 underline">
                      {t("credentials.evidence.remove")}
                    </button>
                  </Form>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {canWrite ? (
          <Form method="post" encType="multipart/form-data" {...getFormProps(evidenceForm)} className="max-w-2xl rounded border border-gray-200 bg-white p-4">
            <input type="hidden" name="intent" value="evidence" />
            <label htmlFor={evidenceFields.file.id} className="block text-sm font-medium text-gray-800">
              {t("credentials.evidence.file")}
            </label>
            <input
              id={evidenceFields.file.id}
              name={evidenceFields.file.name}
              type="file"
              accept=".pdf,.png,.jpg,.jpeg,.webp"
              aria-invalid={evidenceFields.file.errors ? true : undefined}
              aria-describedby={evidenceFields.file.errors ? evidenceFields.file.errorId : undefined}
              className="mt-1 block w-full text-sm"
            />
            <p className="mt-1 text-xs text-gray-500">{t("credentials.evidence.hint")}</p>
            <ErrorList id={evidenceFields.file.errorId} errors={evidenceFields.file.errors} />
            <ErrorList id={evidenceForm.errorId} errors={evidenceForm.errors} />
            <div className="mt-2">
              <SubmitButton>{t("credentials.evidence.upload")}</SubmitButton>
            </div>
          </Form>
        ) : null}
      </section>
      <section>
        <h2 className="mb-2 text-lg font-semibold">{t("credentials.history")}</h2>
        <Table
          caption={t("credentials.history")}
          head={
            <tr>
              <th className="px-3 py-2">{t("credentials.changedAt")}</th>
              <th className="px-3 py-2">{t("credentials.status")}</th>
              <th className="px-3 py-2">{t("credentials.statusReason")}</th>
              <th className="px-3 py-2">{t("credentials.changedBy")}</th>
            </tr>
          }
        >
          {history.map((h, i) => (
            <tr key={i} data-testid="history-row">
              <td className="whitespace-nowrap px-3 py-2">{formatDateTime(h.changedAt, locale)}</td>
              <td className="px-3 py-2">{t(`credentials.statuses.${h.status}`)}</td>
              <td className="px-3 py-2">{h.reason}</td>
              <td className="px-3 py-2">{h.by ?? t("audit.system")}</td>
            </tr>
          ))}
        </Table>
      </section>
    </div>
  );
}
