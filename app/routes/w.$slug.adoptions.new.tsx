import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { levels } from "~/modules/certificates/schemas";
import { adoptableCertificates, proposeAdoption, shareableItems } from "~/modules/school/adoptions.server";
import { majorOptions } from "~/modules/school/majors.server";
import { adoptionFields } from "~/modules/school/schemas";
import { withTenant } from "~/modules/tenancy/context.server";
import type { Locale } from "~/i18n/i18n";
import { ErrorList, SelectField, SubmitButton, TextAreaField } from "~/ui/form";
import { formatDate } from "~/ui/format";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { isUuid } from "~/ui/ids";
import { EmptyState } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";
import { zodErrorMap } from "~/ui/zod-errors";

// Propose adopting a certificate level into a major. Reached from the library with
// ?certificateId=<certificate id>&level=<junior|intermediate|senior> (also ?certificateLevelId=<id>:<level>),
// or from the adoptions page, where the picker below chooses the certificate and level.
export const handle: RouteHandle = { title: "school.adoptions.new" };

type Level = (typeof levels)[number];

function chosen(url: URL) {
  const [fromPair, levelFromPair] = (url.searchParams.get("certificateLevelId") ?? "").split(":");
  const certificateId = url.searchParams.get("certificateId") ?? fromPair ?? "";
  const level = url.searchParams.get("level") ?? levelFromPair ?? "";
  return { certificateId: isUuid(certificateId) ? certificateId : "", level: (levels as readonly string[]).includes(level) ? (level as Level) : null };
}

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "school:contribute", async (tx, ctx) => {
    const url = new URL(request.url);
    const { certificateId, level } = chosen(url);
    const certificates = await adoptableCertificates(tx);
    const certificate = certificates.find((c) => c.id === certificateId) ?? null;
    return {
      certificates,
      majors: await majorOptions(tx, ctx),
      certificate,
      level: certificate && level && certificate.levels.includes(level) ? level : "",
      majorId: url.searchParams.get("majorId") ?? "",
      items: certificate && level && certificate.levels.includes(level) ? await shareableItems(tx, certificate.id, level) : null,
    };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withTenant(request, params.slug, "school:contribute", async (tx, ctx) => {
    const submission = await parseForm(request, adoptionFields, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const result = await proposeAdoption(tx, ctx, submission.value);
    if (!result.ok) return rejectSubmission(submission, result);
    return redirect(`/w/${ctx.tenant.slug}/adoptions/${result.value.id}`);
  });
}

export default function NewAdoption() {
  const { certificates, majors, certificate, level, majorId, items } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const [form, fields] = useForm({
    id: "adoption",
    lastResult: actionData?.result,
    defaultValue: { majorId: majorId || majors[0]?.id },
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: adoptionFields, error: zodErrorMap(t) }),
  });
  const name = (c: { nameZh: string; nameEn: string }) => (locale === "en" ? c.nameEn : c.nameZh);
  const group = (kind: "questionIds" | "caseIds" | "materialIds", label: string, rows: { id: string; title: string; updatedAt: string }[]) => (
    <fieldset className="mb-4">
      <legend className="text-sm font-medium text-gray-800">{label}</legend>
      {rows.length === 0 ? <p className="text-sm text-gray-500">{t("school.adoptions.noneShared")}</p> : null}
      {rows.map((row) => (
        <label key={row.id} className="flex items-start gap-2 text-sm">
          <input type="checkbox" name={kind} value={row.id} defaultChecked className="mt-1" />
          <span>
            {row.title.slice(0, 120)}{" "}
            <span className="text-xs text-gray-500">{t("school.adoptions.updated", { date: formatDate(row.updatedAt, locale) })}</span>
          </span>
        </label>
      ))}
      <ErrorList errors={fields[kind].errors} />
    </fieldset>
  );
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">{t("school.adoptions.new")}</h1>
        <p className="text-sm text-gray-600">{t("school.adoptions.newLead")}</p>
      </div>
      {/* The certificate-level picker: a GET form, so the page works without the library. */}
      <Form method="get" className="flex max-w-2xl flex-wrap items-end gap-3 rounded border border-gray-200 bg-white p-4">
        <label className="text-sm">
          <span className="block font-medium">{t("school.adoptions.certificate")}</span>
          <select name="certificateId" defaultValue={certificate?.id ?? ""} className="mt-1 rounded border border-gray-300 bg-white px-2 py-1">
            <option value="">{t("school.choose")}</option>
            {certificates.map((c) => (
              <option key={c.id} value={c.id}>
                {name(c)} · {c.organizationName}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          <span className="block font-medium">{t("school.adoptions.level")}</span>
          <select name="level" defaultValue={level} className="mt-1 rounded border border-gray-300 bg-white px-2 py-1">
            <option value="">{t("school.choose")}</option>
            {levels.map((l) => (
              <option key={l} value={l}>
                {t(`certificates.levelNames.${l}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="rounded border border-gray-300 bg-white px-3 py-1 text-sm hover:bg-gray-100">
          {t("school.adoptions.pick")}
        </button>
      </Form>
      {!certificate || !level || !items ? (
        <EmptyState>{t("school.adoptions.pickFirst")}</EmptyState>
      ) : majors.length === 0 ? (
        <EmptyState>{t("school.adoptions.noMajors")}</EmptyState>
      ) : (
        <Form method="post" {...getFormProps(form)} className="max-w-2xl rounded border border-gray-200 bg-white p-6">
          <p className="mb-4 text-sm">
            <strong>{name(certificate)}</strong> · {t(`certificates.levelNames.${level}`)} · {certificate.organizationName}
          </p>
          <input type="hidden" name="certificateId" value={certificate.id} />
          <input type="hidden" name="level" value={level} />
          <SelectField label={t("school.adoptions.major")} meta={fields.majorId} options={majors.map((m) => ({ value: m.id, label: `${m.code} ${m.name}` }))} />
          {group("questionIds", t("school.adoptions.questions"), items.questions)}
          {group("caseIds", t("school.adoptions.cases"), items.cases)}
          {group("materialIds", t("school.adoptions.materials"), items.materials)}
          <p className="mb-4 text-xs text-gray-500">{t("school.adoptions.liveNote")}</p>
          <TextAreaField label={t("school.adoptions.proposalNote")} meta={fields.proposalNote} rows={2} />
          <ErrorList errors={fields.level.errors} />
          <ErrorList errors={fields.certificateId.errors} />
          <ErrorList id={form.errorId} errors={form.errors} />
          <SubmitButton>{t("school.adoptions.propose")}</SubmitButton>
        </Form>
      )}
    </div>
  );
}
