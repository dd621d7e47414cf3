import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { setTenantDistrict, tenantDistrict } from "~/modules/credentials/district.server";
import { districtSchema, shanghaiDistricts } from "~/modules/credentials/schemas";
import { SchemaForm } from "~/modules/school/components/schema-form";
import { withTenant } from "~/modules/tenancy/context.server";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import type { RouteHandle } from "~/ui/page-title";

// The workspace's profile: its district (owners and admins; issue 16 item 3).
export const handle: RouteHandle = { title: "credentials.district.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "members:manage", async (tx, ctx) => ({
    district: await tenantDistrict(tx, ctx),
    name: ctx.tenant.name,
  }));
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withTenant(request, params.slug, "members:manage", async (tx, ctx) => {
    const submission = await parseForm(request, districtSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    await setTenantDistrict(tx, ctx, submission.value.district);
    return json({ result: submission.reply(), saved: true });
  });
}

export default function Settings() {
  const { district, name } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  return (
    <div className="max-w-xl space-y-4">
      <div>
        <h1 className="text-2xl font-bold">{t("credentials.district.title")}</h1>
        <p className="text-sm text-gray-600">{t("credentials.district.lead", { name })}</p>
      </div>
      {actionData && "saved" in actionData ? (
        <p role="status" className="rounded border border-green-200 bg-green-50 p-3 text-sm text-green-900">
          {t("credentials.district.saved")}
        </p>
      ) : null}
      <SchemaForm
        id="district"
        schema={districtSchema}
        lastResult={actionData?.result}
        defaultValue={{ district: district ?? "" }}
        fields={[
          {
            name: "district",
            label: t("credentials.district.field"),
            kind: "select",
            options: shanghaiDistricts.map((d) => ({ value: d, label: t(`credentials.districts.${d}`) })),
          },
        ]}
        submit={{ label: t("credentials.district.save") }}
      />
    </div>
  );
}
