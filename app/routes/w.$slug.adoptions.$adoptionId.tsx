import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { decideAdoption, getAdoption, optIn } from "~/modules/school/adoptions.server";
import { Chip } from "~/modules/school/components/schema-form";
import { adoptionActionSchema } from "~/modules/school/schemas";
import type { DiffNode } from "~/modules/standards/service.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { ErrorList, SubmitButton } from "~/ui/form";
import { formatDate, formatDateTime } from "~/ui/format";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { EmptyState, Table } from "~/ui/list";
import { titleFrom } from "~/ui/page-title";

export const handle = titleFrom<typeof loader>((data, t) => `${data.adoption.certificateName} · ${t(`certificates.levelNames.${data.adoption.level}`)}`);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "school:read", async (tx, ctx) => {
    const found = await getAdoption(tx, ctx, params.adoptionId ?? "");
    if (!found) throw new Response("Not found", { status: 404 });
    return { ...found, canDecide: ctx.permissions.includes("school:manage") };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withTenant(request, params.slug, "school:manage", async (tx, ctx) => {
    const id = params.adoptionId ?? "";
    const submission = await parseForm(request, adoptionActionSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const input = submission.value;
    const result = input.intent === "optIn" ? await optIn(tx, ctx, id, input.versionId) : await decideAdoption(tx, ctx, id, input.intent, input.decisionNote);
    if (!result.ok) return rejectSubmission(submission, result);
    return json({ result: submission.reply({ resetForm: true }), done: input.intent });
  });
}

const statusTone = { proposed: "amber", approved: "green", rejected: "red" } as const;

export default function Adoption() {
  const { adoption, major, items, update, canDecide } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const en = locale === "en";
  const errors = actionData?.result && "error" in actionData.result ? (Object.values(actionData.result.error ?? {}).flat() as string[]) : [];
  const label = (n: DiffNode) => (
    <>
      <span className="font-mono">{n.code}</span> {en && n.titleEn ? n.titleEn : n.titleZh}
    </>
  );
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-gray-500">{t("school.adoptions.title")}</p>
        <h1 className="text-2xl font-bold">
          {adoption.certificateName} · {t(`certificates.levelNames.${adoption.level}`)}
        </h1>
        <p className="text-sm text-gray-600">
          {adoption.organizationName} · {major ? `${major.code} ${major.name}` : ""} ·{" "}
          <Chip tone={statusTone[adoption.status]} testId="adoption-status">
            {t(`school.adoptions.statuses.${adoption.status}`)}
          </Chip>
        </p>
        <p className="mt-1 text-sm" data-testid="pinned-version">
          {adoption.standardVersion ? t("school.adoptions.pinnedTo", { version: adoption.standardVersion }) : t("school.adoptions.noStandard")}
        </p>
        {adoption.proposalNote ? <p className="mt-1 text-sm text-gray-600">{adoption.proposalNote}</p> : null}
        {adoption.decisionNote ? (
          <p className="mt-1 text-sm text-gray-600">
            {t("school.adoptions.decisionNote")}: {adoption.decisionNote}
          </p>
        ) : null}
      </div>
      {actionData && "done" in actionData ? (
        <p className="rounded bg-green-50 px-3 py-2 text-sm text-green-900">{t(`school.adoptions.done.${actionData.done}`)}</p>
      ) : null}
      <ErrorList errors={errors} />
      {adoption.status === "proposed" && canDecide ? (
        <Form method="post" className="max-w-2xl space-y-3 rounded border border-gray-200 bg-white p-4">
          <label htmlFor="decisionNote" className="block text-sm font-medium">
            {t("school.adoptions.decisionNote")}
          </label>
          <textarea id="decisionNote" name="decisionNote" rows={2} className="block w-full rounded border border-gray-300 px-3 py-2" />
          <div className="flex gap-3">
            <SubmitButton name="intent" value="reject" variant="secondary">
              {t("school.adoptions.reject")}
            </SubmitButton>
            <SubmitButton name="intent" value="approve">
              {t("school.adoptions.approve")}
            </SubmitButton>
          </div>
        </Form>
      ) : null}
      {adoption.status === "approved" ? (
        <p>
          <Link to="mapping" className="text-blue-700 underline">
            {t("school.mapping.title")}
          </Link>
        </p>
      ) : null}
      {update && adoption.status === "approved" ? (
        <section className="space-y-3 rounded border border-blue-200 bg-blue-50 p-4" data-testid="update-available">
          <h2 className="text-lg font-semibold">{t("school.adoptions.updateTitle", { from: adoption.standardVersion, to: update.version })}</h2>
          <p className="text-sm">{t("school.adoptions.updateLead")}</p>
          {update.levels.length === 0 ? (
            <p className="text-sm">{t("school.adoptions.noChangesAtLevel")}</p>
          ) : (
            update.levels.map((l) => (
              <ul key={l.level} className="space-y-1 text-sm">
                {l.added.map((n) => (
                  <li key={`a${n.lineageId}`} className="rounded border border-green-200 bg-green-50 px-2 py-1">
                    {t("standards.diff.added")}: {label(n)}
                  </li>
                ))}
                {l.removed.map((n) => (
                  <li key={`r${n.lineageId}`} className="rounded border border-red-200 bg-red-50 px-2 py-1">
                    {t("standards.diff.removed")}: {label(n)}
                  </li>
                ))}
                {l.changed.map((c) => (
                  <li key={`c${c.to.lineageId}`} className="rounded border border-amber-200 bg-amber-50 px-2 py-1">
                    {t("standards.diff.changed")}: {label(c.from)} → {label(c.to)}
                  </li>
                ))}
              </ul>
            ))
          )}
          {canDecide ? (
            <Form method="post" className="flex gap-3">
              <input type="hidden" name="versionId" value={update.versionId} />
              <SubmitButton name="intent" value="optIn">
                {t("school.adoptions.optIn", { version: update.version })}
              </SubmitButton>
            </Form>
          ) : null}
          <p className="text-xs text-gray-600">{t("school.adoptions.stayNote")}</p>
        </section>
      ) : null}
      <section>
        <h2 className="mb-2 text-lg font-semibold">{t("school.adoptions.items")}</h2>
        <p className="mb-2 text-xs text-gray-500">{t("school.adoptions.liveNote")}</p>
        {items.length === 0 ? (
          <EmptyState>{t("school.adoptions.noItems")}</EmptyState>
        ) : (
          <Table
            caption={t("school.adoptions.items")}
            head={
              <tr>
                <th className="px-3 py-2">{t("school.adoptions.kind")}</th>
                <th className="px-3 py-2">{t("school.adoptions.itemTitle")}</th>
                <th className="px-3 py-2">{t("school.adoptions.version")}</th>
                <th className="px-3 py-2">{t("school.adoptions.lastUpdate")}</th>
              </tr>
            }
          >
            {items.map((item) => (
              <tr key={`${item.kind}:${item.itemId}`} data-testid={item.withdrawn ? "withdrawn-item" : "adopted-item"}>
                <td className="px-3 py-2">{t(`school.adoptions.kinds.${item.kind}`)}</td>
                <td className="px-3 py-2">
                  {item.title.slice(0, 160)}{" "}
                  {item.withdrawn ? (
                    <Chip tone="red" testId="withdrawn">
                      {t("school.adoptions.withdrawn")}
                    </Chip>
                  ) : null}
                </td>
                <td className="px-3 py-2">
                  {item.version ? t("school.adoptions.versionN", { version: item.version }) : t("school.adoptions.live")}
                  {item.version && item.latestVersion && item.latestVersion > item.version ? (
                    <span className="ml-1 text-xs text-gray-500">{t("school.adoptions.newerQuestion", { version: item.latestVersion })}</span>
                  ) : null}
                </td>
                <td className="px-3 py-2">{item.updatedAt ? formatDateTime(item.updatedAt, locale) : "—"}</td>
              </tr>
            ))}
          </Table>
        )}
      </section>
      <p className="text-xs text-gray-500">{t("school.proposedAtLine", { date: formatDate(adoption.createdAt, locale) })}</p>
    </div>
  );
}
