import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { AttachmentList, MaterialFacts } from "~/modules/materials/components/material-facts";
import { MaterialForm } from "~/modules/materials/components/material-form";
import { materialFormSchema } from "~/modules/materials/schemas";
import {
  addAttachment,
  attachmentsOf,
  deleteAttachment,
  deleteMaterial,
  getMaterial,
  materialMaxBytes,
  materialOptions,
  saveMaterial,
} from "~/modules/materials/service.server";
import { bankCertificates } from "~/modules/banks/service.server";
import { withFileChanges } from "~/modules/storage/storage.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { ErrorList, Notice, SubmitButton } from "~/ui/form";
import { formatBytes, formatDateTime } from "~/ui/format";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { zodErrorMap } from "~/ui/zod-errors";
import { titleFrom } from "~/ui/page-title";

export const handle = titleFrom<typeof loader>((data) => data.material.title);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "certificates:read", async (tx, ctx) => {
    const material = await getMaterial(tx, ctx, params.materialId ?? "");
    if (!material) throw new Response("Not found", { status: 404 });
    const certificates = await bankCertificates(tx, ctx);
    // The form may switch to another certificate (?certificate=): its versions and requirements.
    const wanted = new URL(request.url).searchParams.get("certificate");
    const certificateId = certificates.find((c) => c.id === wanted)?.id ?? material.certificateId;
    const options = await materialOptions(tx, ctx, certificateId);
    const own = certificateId === material.certificateId ? options : await materialOptions(tx, ctx, material.certificateId);
    return {
      material,
      certificateId,
      certificates,
      ...options,
      standardVersion: own.versions.find((v) => v.id === material.standardVersionId)?.version ?? null,
      covered: own.requirements.filter((r) => material.requirementIds.includes(r.lineageId)),
      attachments: await attachmentsOf(tx, ctx, material.id),
      maxBytes: materialMaxBytes(),
      canWrite: ctx.permissions.includes("certificates:write"),
    };
  });
}

// One action for the page's forms: save, delete, upload an attachment, delete an attachment.
// Files written here are removed again if the transaction does not commit (withFileChanges).
export async function action({ request, params }: ActionFunctionArgs) {
  return withFileChanges((files) =>
    withTenant(request, params.slug, "certificates:write", async (tx, ctx) => {
      const id = params.materialId ?? "";
      const submission = await parseForm(request, materialFormSchema, ctx.locale, { field: "file", maxBytes: materialMaxBytes() });
      if (submission.status !== "success") return rejectSubmission(submission);
      const input = submission.value;
      if (input.intent === "delete") {
        await deleteMaterial(tx, ctx, files, id);
        return redirect(`/w/${ctx.tenant.slug}/materials`);
      }
      if (input.intent === "upload") {
        const result = await addAttachment(tx, ctx, files, id, input.file);
        if (!result.ok) return rejectSubmission(submission, result);
        return json({ result: submission.reply({ resetForm: true }), done: "uploaded" as const });
      }
      if (input.intent === "deleteAttachment") {
        await deleteAttachment(tx, ctx, files, id, input.attachmentId);
        return json({ result: submission.reply(), done: "attachmentDeleted" as const });
      }
      const result = await saveMaterial(tx, ctx, id, input);
      if (!result.ok) return rejectSubmission(submission, result);
      return json({ result: submission.reply(), done: "saved" as const });
    }),
  );
}

export default function Material() {
  const { material, certificateId, certificates, versions, requirements, standardVersion, covered, attachments, maxBytes, canWrite } =
    useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const done = actionData && "done" in actionData ? actionData.done : null;
  // Each form takes back only its own submission's result.
  const intent = (actionData?.result?.initialValue as { intent?: string } | null | undefined)?.intent;
  const [upload, uploadFields] = useForm({
    id: "upload",
    lastResult: intent === "upload" || done === "uploaded" ? actionData?.result : undefined,
    shouldValidate: "onSubmit",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: materialFormSchema, error: zodErrorMap(t) }),
  });
  const { slug } = useParams();
  const certificate = certificates.find((c) => c.id === material.certificateId);
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-gray-500">
          {certificate?.code} · {t(`materials.kinds.${material.kind}`)} · {t("materials.updatedAt")} {formatDateTime(material.updatedAt, locale)}
        </p>
        <h1 className="text-2xl font-bold">{material.title}</h1>
      </div>
      {done ? <Notice tone="success">{t(`materials.${done}`)}</Notice> : null}
      {canWrite ? (
        <MaterialForm
          key={`${material.id}-${String(material.updatedAt)}-${certificateId}`}
          intent="save"
          options={{ certificates, versions, requirements }}
          lastResult={intent === "save" ? actionData?.result : undefined}
          defaultValue={{
            certificateId,
            kind: material.kind,
            title: material.title,
            isbn: material.isbn ?? "",
            publisher: material.publisher,
            schoolEditor: material.schoolEditor,
            enterpriseEditor: material.enterpriseEditor,
            levels: material.levels,
            standardVersionId: certificateId === material.certificateId ? (material.standardVersionId ?? "") : "",
            requirementIds: certificateId === material.certificateId ? material.requirementIds : [],
            description: material.description,
            visibility: material.visibility,
          }}
        />
      ) : (
        <MaterialFacts material={material} standardVersion={standardVersion} requirements={covered} />
      )}
      <section className="space-y-3">
        <h2 className="text-lg font-semibold">{t("materials.attachments")}</h2>
        <AttachmentList attachments={attachments} canWrite={canWrite} />
        {canWrite ? (
          <Form method="post" encType="multipart/form-data" {...getFormProps(upload)} className="max-w-3xl rounded border border-gray-200 bg-white p-4">
            <input type="hidden" name="intent" value="upload" />
            <label htmlFor={uploadFields.file.id} className="block text-sm font-medium text-gray-800">
              {t("materials.file")}
            </label>
            <input
              id={uploadFields.file.id}
              name={uploadFields.file.name}
              type="file"
              accept=".pdf,.docx,.pptx,.xlsx,.mp4,.png,.jpg,.jpeg,.zip"
              aria-invalid={uploadFields.file.errors ? true : undefined}
              aria-describedby={`${uploadFields.file.id}-hint${uploadFields.file.errors ? ` ${uploadFields.file.errorId}` : ""}`}
              className="mt-1 block w-full text-sm"
            />
            <p id={`${uploadFields.file.id}-hint`} className="mt-1 text-xs text-gray-500">
              {t("materials.fileHint", { size: formatBytes(maxBytes) })}
            </p>
            <ErrorList id={uploadFields.file.errorId} errors={uploadFields.file.errors} />
            <ErrorList id={upload.errorId} errors={upload.errors} />
            <div className="mt-3">
              <SubmitButton>{t("materials.upload")}</SubmitButton>
            </div>
          </Form>
        ) : null}
      </section>
      {canWrite ? (
        <Form method="post" onSubmit={(event) => (window.confirm(t("materials.deleteConfirm")) ? undefined : event.preventDefault())}>
          <button type="submit" name="intent" value="delete" className="text-sm text-red-700 hover:underline">
            {t("materials.delete")}
          </button>
        </Form>
      ) : null}
      <Link to={`/w/${slug}/materials?certificate=${material.certificateId}`} className="text-sm text-blue-700 hover:underline">
        ← {t("materials.back")}
      </Link>
    </div>
  );
}
