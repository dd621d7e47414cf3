import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { DisclosureForm } from "~/modules/fees/components/disclosure-form";
import { disclosableCertificates, getDisclosure, noticeDaysNow, saveDisclosure } from "~/modules/fees/disclosures.server";
import { disclosureIntentSchema } from "~/modules/fees/schemas";
import { withTenant } from "~/modules/tenancy/context.server";
import { addDays, shanghaiDate } from "~/ui/format";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { fenToYuanInput } from "~/ui/money";
import { titleFrom } from "~/ui/page-title";

export const handle = titleFrom<typeof loader>((data, t) => (data.previous ? t("fees.change") : t("fees.new")));

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "fees:publish", async (tx, ctx) => {
    const noticeDays = await noticeDaysNow(tx);
    const supersedes = new URL(request.url).searchParams.get("supersedes");
    const previous = supersedes ? await getDisclosure(tx, ctx, supersedes) : null;
    return {
      certificates: await disclosableCertificates(tx, ctx),
      noticeDays,
      earliest: addDays(shanghaiDate(), noticeDays),
      previous: previous && previous.state === "published" ? previous : null,
    };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withTenant(request, params.slug, "fees:publish", async (tx, ctx) => {
    const submission = await parseForm(request, disclosureIntentSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const result = await saveDisclosure(tx, ctx, null, submission.value, submission.value.intent === "publish");
    if (!result.ok) return rejectSubmission(submission, result);
    return redirect(`/w/${ctx.tenant.slug}/fees/${result.value.id}`);
  });
}

export default function NewDisclosure() {
  const { certificates, noticeDays, earliest, previous } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useTranslation();
  return (
    <div>
      <h1 className="mb-4 text-2xl font-bold">{previous ? t("fees.change") : t("fees.new")}</h1>
      <DisclosureForm
        certificates={certificates}
        noticeDays={noticeDays}
        earliest={earliest}
        lastResult={actionData?.result}
        defaultValue={
          previous
            ? {
                certificateId: previous.certificateId,
                level: previous.level,
                kind: previous.kind,
                amount: fenToYuanInput(previous.amountFen),
                unit: previous.unit,
                includes: previous.includes,
                contact: previous.contact,
                supersedesId: previous.id,
              }
            : undefined
        }
      />
    </div>
  );
}
