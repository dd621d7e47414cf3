import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CertificateForm } from "~/modules/certificates/components/certificate-form";
import { certificateSchema } from "~/modules/certificates/schemas";
import { getCertificate, listIndustries, updateCertificate } from "~/modules/certificates/service.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { Notice } from "~/ui/form";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { titleFrom } from "~/ui/page-title";

export const handle = titleFrom<typeof loader>((data, _t, en) => (en ? data.certificate.nameEn : data.certificate.nameZh));

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "certificates:read", async (tx, ctx) => {
    const certificate = await getCertificate(tx, ctx, params.certificateId ?? "");
    if (!certificate) throw new Response("Not found", { status: 404 });
    return { certificate, industries: await listIndustries(tx), canWrite: ctx.permissions.includes("certificates:write") };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withTenant(request, params.slug, "certificates:write", async (tx, ctx) => {
    const submission = await parseForm(request, certificateSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const result = await updateCertificate(tx, ctx, params.certificateId ?? "", submission.value);
    if (!result.ok) return rejectSubmission(submission, result);
    return json({ result: submission.reply(), saved: true });
  });
}

export default function Certificate() {
  const { certificate, industries, canWrite } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const name = i18n.language === "en" ? certificate.nameEn : certificate.nameZh;
  return (
    <div>
      <p className="font-mono text-xs text-gray-500">{certificate.code}</p>
      <h1 className="mb-4 text-2xl font-bold">{name}</h1>
      <p className="mb-4">
        <Link to="standards" relative="path" className="text-sm text-blue-700 hover:underline" data-testid="standards-link">
          {t("standards.link")} →
        </Link>
      </p>
      {actionData && "saved" in actionData ? <Notice tone="success">{t("certificates.saved")}</Notice> : null}
      {canWrite ? (
        <CertificateForm
          key={certificate.updatedAt}
          industries={industries}
          defaultValue={{ ...certificate, levels: [...certificate.levels] }}
          lastResult={actionData?.result}
          submitLabel={t("certificates.save")}
        />
      ) : (
        <dl className="grid max-w-2xl grid-cols-[10rem_1fr] gap-2 rounded border border-gray-200 bg-white p-6 text-sm">
          <dt className="text-gray-600">{t("certificates.levels")}</dt>
          <dd>{certificate.levels.map((level) => t(`certificates.levelNames.${level}`)).join(" · ")}</dd>
          <dt className="text-gray-600">{t("certificates.status")}</dt>
          <dd>{t(`certificates.statuses.${certificate.status}`)}</dd>
          <dt className="text-gray-600">{t("certificates.description")}</dt>
          <dd className="whitespace-pre-wrap">{certificate.description}</dd>
        </dl>
      )}
    </div>
  );
}
