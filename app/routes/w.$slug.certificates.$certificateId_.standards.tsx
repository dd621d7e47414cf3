import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { StandardHeading } from "~/modules/standards/components/standard-heading";
import { startDraftSchema } from "~/modules/standards/schemas";
import { listVersions, standardCertificate, startDraft } from "~/modules/standards/service.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { ErrorList, SubmitButton } from "~/ui/form";
import { formatDateTime } from "~/ui/format";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { EmptyState, Table } from "~/ui/list";
import { titleFrom } from "~/ui/page-title";

// The versions of a certificate's skill standard (职业技能等级标准): open one, start a draft, compare two.
export const handle = titleFrom<typeof loader>((data, t, en) =>
  t("standards.titleOf", { certificate: en ? data.certificate.nameEn : data.certificate.nameZh }),
);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "certificates:read", async (tx, ctx) => {
    const certificate = await standardCertificate(tx, ctx, params.certificateId ?? "");
    if (!certificate) throw new Response("Not found", { status: 404 });
    return { certificate, versions: await listVersions(tx, ctx, certificate.id), canWrite: ctx.permissions.includes("certificates:write") };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withTenant(request, params.slug, "certificates:write", async (tx, ctx) => {
    const submission = await parseForm(request, startDraftSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const result = await startDraft(tx, ctx, params.certificateId ?? "");
    if (!result.ok) return rejectSubmission(submission, result);
    return redirect(`/w/${ctx.tenant.slug}/standards/${result.value.id}`);
  });
}

export default function StandardVersions() {
  const { certificate, versions, canWrite } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const base = `/w/${useParams().slug}`;
  const locale = i18n.language as Locale;
  const draft = versions.find((v) => v.status === "draft");
  const published = versions.find((v) => v.status === "published");
  const when = (at: string | null) => (at ? formatDateTime(at, locale) : "—");
  const formErrors = actionData?.result.error?.[""] ?? undefined;
  return (
    <div className="space-y-6">
      <StandardHeading certificate={certificate}>
        <p className="mt-1 max-w-3xl text-sm text-gray-600">{t("standards.lead")}</p>
      </StandardHeading>
      <ErrorList errors={formErrors} />
      {canWrite ? (
        draft ? (
          <Link to={`${base}/standards/${draft.id}`} className="inline-block rounded bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800">
            {t("standards.openDraft", { version: draft.version })}
          </Link>
        ) : (
          <Form method="post">
            <input type="hidden" name="intent" value="start" />
            <SubmitButton>{published ? t("standards.startFrom", { version: published.version }) : t("standards.startEmpty")}</SubmitButton>
          </Form>
        )
      ) : null}
      {versions.length === 0 ? (
        <EmptyState>{t("standards.noVersions")}</EmptyState>
      ) : (
        <Table
          caption={t("standards.versions")}
          head={
            <tr>
              <th className="px-3 py-2">{t("standards.versions")}</th>
              <th className="px-3 py-2">{t("standards.status")}</th>
              <th className="px-3 py-2 text-right">{t("standards.nodeCount")}</th>
              <th className="px-3 py-2">{t("standards.createdAt")}</th>
              <th className="px-3 py-2">{t("standards.publishedAt")}</th>
              <th className="px-3 py-2">{t("standards.supersededAt")}</th>
            </tr>
          }
        >
          {versions.map((v) => (
            <tr key={v.id} data-testid="standard-version">
              <td className="px-3 py-2">
                <Link to={`${base}/standards/${v.id}`} className="text-blue-700 hover:underline">
                  {t("standards.version", { version: v.version })}
                </Link>
              </td>
              <td className="px-3 py-2">{t(`standards.statuses.${v.status}`)}</td>
              <td className="px-3 py-2 text-right">{v.nodes}</td>
              <td className="px-3 py-2">{when(v.createdAt)}</td>
              <td className="px-3 py-2">{when(v.publishedAt)}</td>
              <td className="px-3 py-2">{when(v.supersededAt)}</td>
            </tr>
          ))}
        </Table>
      )}
      {versions.length > 1 ? (
        <Form method="get" action={`${base}/standards/diff`} className="flex flex-wrap items-end gap-2 text-sm">
          <span className="w-full font-semibold">{t("standards.compareVersions")}</span>
          {(["from", "to"] as const).map((field, i) => (
            <label key={field}>
              {t(`standards.${field}`)}
              <select name={field} defaultValue={versions[i === 0 ? 1 : 0].id} className="mt-1 block rounded border border-gray-300 bg-white px-2 py-1">
                {versions.map((v) => (
                  <option key={v.id} value={v.id}>
                    {t("standards.version", { version: v.version })} · {t(`standards.statuses.${v.status}`)}
                  </option>
                ))}
              </select>
            </label>
          ))}
          <button type="submit" className="rounded border border-gray-300 bg-white px-3 py-1 hover:bg-gray-100">
            {t("standards.compare")}
          </button>
        </Form>
      ) : null}
    </div>
  );
}
