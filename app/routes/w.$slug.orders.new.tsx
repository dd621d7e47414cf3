import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { levels } from "~/modules/certificates/schemas";
import { createOrder, orderableFees } from "~/modules/payments/orders.server";
import { orderSchema } from "~/modules/payments/schemas";
import { cohortOptions } from "~/modules/school/majors.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { EmptyState } from "~/ui/list";
import { ErrorList, Field, SelectField, SubmitButton } from "~/ui/form";
import { addDays, shanghaiDate } from "~/ui/format";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { zodErrorMap } from "~/ui/zod-errors";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "orders.new" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "orders:create", async (tx, ctx) => ({
    certificates: await orderableFees(tx),
    cohorts: await cohortOptions(tx, ctx),
    suggestedDate: addDays(shanghaiDate(), 30),
  }));
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withTenant(request, params.slug, "orders:create", async (tx, ctx) => {
    const submission = await parseForm(request, orderSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const result = await createOrder(tx, ctx, submission.value);
    if (!result.ok) return rejectSubmission(submission, result);
    return redirect(`/w/${ctx.tenant.slug}/orders/${result.value.id}`);
  });
}

export default function NewOrder() {
  const { certificates, cohorts, suggestedDate } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const [form, fields] = useForm({
    id: "order",
    lastResult: actionData?.result,
    defaultValue: { examDate: suggestedDate, level: "intermediate", headcount: "60" },
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: orderSchema, error: zodErrorMap(t) }),
  });
  if (certificates.length === 0) return <EmptyState>{t("orders.noFees")}</EmptyState>;
  return (
    <div>
      <h1 className="mb-2 text-2xl font-bold">{t("orders.new")}</h1>
      <p className="mb-4 text-sm text-gray-600">{t("orders.priceRule")}</p>
      <Form method="post" {...getFormProps(form)} className="max-w-2xl rounded border border-gray-200 bg-white p-6">
        <SelectField
          label={t("orders.certificate")}
          meta={fields.certificateId}
          options={certificates.map((c) => ({
            value: c.certificateId,
            label: `${i18n.language === "en" ? c.nameEn : c.nameZh} (${c.code}) · ${i18n.language === "en" && c.organizationEn ? c.organizationEn : c.organization}`,
          }))}
        />
        <SelectField label={t("fees.level")} meta={fields.level} options={levels.map((l) => ({ value: l, label: t(`certificates.levelNames.${l}`) }))} />
        <Field label={t("orders.examSite")} meta={fields.examSite} hint={t("orders.examSiteHint")} />
        <Field label={t("orders.examDate")} meta={fields.examDate} type="date" />
        <Field label={t("orders.headcount")} meta={fields.headcount} type="number" />
        <SelectField
          label={t("school.orders.cohort")}
          meta={fields.cohortId}
          placeholder={t("school.none")}
          options={cohorts.map((c) => ({ value: c.id, label: `${c.majorCode} ${c.majorName} · ${c.entryYear}` }))}
        />
        <ErrorList id={form.errorId} errors={form.errors} />
        <SubmitButton>{t("orders.place")}</SubmitButton>
      </Form>
    </div>
  );
}
