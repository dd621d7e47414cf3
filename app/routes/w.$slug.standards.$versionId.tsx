import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { StandardHeading } from "~/modules/standards/components/standard-heading";
import { StandardTree } from "~/modules/standards/components/standard-tree";
import { standardActionSchema } from "~/modules/standards/schemas";
import {
  addNode,
  deleteNode,
  discardDraft,
  getVersion,
  listVersions,
  moveNode,
  publishVersion,
  updateNode,
  versionNodes,
} from "~/modules/standards/service.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { ErrorList, Notice } from "~/ui/form";
import { formatDateTime } from "~/ui/format";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { titleFrom } from "~/ui/page-title";

// One version of a skill standard: the tree per level; a draft is edited here by editors and above.
export const handle = titleFrom<typeof loader>(
  (data, t, en) =>
    `${t("standards.titleOf", { certificate: en ? data.certificate.nameEn : data.certificate.nameZh })} · ${t("standards.version", { version: data.version.version })}`,
);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "certificates:read", async (tx, ctx) => {
    const found = await getVersion(tx, ctx, params.versionId ?? "");
    if (!found) throw new Response("Not found", { status: 404 });
    const versions = await listVersions(tx, ctx, found.certificate.id);
    const previous = versions.find((v) => v.version < found.version.version && v.status !== "draft");
    return {
      certificate: found.certificate,
      version: found.version,
      nodes: await versionNodes(tx, ctx, found.version.id),
      previousId: previous?.id ?? null,
      canWrite: ctx.permissions.includes("certificates:write"),
    };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withTenant(request, params.slug, "certificates:write", async (tx, ctx) => {
    const versionId = params.versionId ?? "";
    const submission = await parseForm(request, standardActionSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const input = submission.value;
    if (input.intent === "discard") {
      const result = await discardDraft(tx, ctx, versionId);
      if (!result.ok) return rejectSubmission(submission, result);
      return redirect(`/w/${ctx.tenant.slug}/certificates/${result.value.certificateId}/standards`);
    }
    const result =
      input.intent === "add"
        ? await addNode(tx, ctx, versionId, input)
        : input.intent === "update"
          ? await updateNode(tx, ctx, versionId, input.nodeId, input)
          : input.intent === "move"
            ? await moveNode(tx, ctx, versionId, input.nodeId, input.direction)
            : input.intent === "delete"
              ? await deleteNode(tx, ctx, versionId, input.nodeId)
              : await publishVersion(tx, ctx, versionId);
    if (!result.ok) return rejectSubmission(submission, result);
    const done = { add: "added", update: "updated", move: "moved", delete: "deleted", publish: "published" } as const;
    return json({ result: submission.reply({ resetForm: true }), done: done[input.intent] });
  });
}

export default function StandardVersion() {
  const { certificate, version, nodes, previousId, canWrite } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const base = `/w/${useParams().slug}`;
  const editable = canWrite && version.status === "draft";
  const done = actionData && "done" in actionData ? actionData.done : null;
  const formErrors = actionData?.result.error?.[""] ?? undefined;
  const stamp = version.publishedAt ?? version.createdAt;
  return (
    <div className="space-y-6">
      <StandardHeading certificate={certificate}>
        <p className="text-sm text-gray-600" data-testid="version-status">
          {t("standards.version", { version: version.version })} · {t(`standards.statuses.${version.status}`)} · {formatDateTime(stamp, locale)}
        </p>
      </StandardHeading>
      <nav className="no-print flex flex-wrap gap-2 text-sm" aria-label={t("standards.versions")}>
        <Link to={`${base}/certificates/${certificate.id}/standards`} className="rounded border border-gray-300 bg-white px-2 py-1 hover:bg-gray-100">
          ← {t("standards.back")}
        </Link>
        <Link to={`${base}/standards/${version.id}/print`} className="rounded border border-gray-300 bg-white px-2 py-1 hover:bg-gray-100">
          {t("standards.printView")}
        </Link>
        <a href={`${base}/standards/${version.id}/export.xlsx`} className="rounded border border-gray-300 bg-white px-2 py-1 hover:bg-gray-100" download>
          {t("standards.exportXlsx")}
        </a>
        {previousId ? (
          <Link
            to={`${base}/standards/diff?from=${previousId}&to=${version.id}`}
            className="rounded border border-gray-300 bg-white px-2 py-1 hover:bg-gray-100"
          >
            {t("standards.compare")}
          </Link>
        ) : null}
      </nav>
      {done ? <Notice tone="success">{t(`standards.done.${done}`)}</Notice> : null}
      <ErrorList errors={formErrors} />
      {version.status !== "draft" ? (
        <Notice>{t("standards.readOnly")}</Notice>
      ) : editable ? (
        <Notice>{t("standards.draftHint")}</Notice>
      ) : (
        <Notice>{t("standards.readOnlyRole")}</Notice>
      )}
      {certificate.levels.map((level) => (
        <section key={level} aria-labelledby={`level-${level}`} className="rounded border border-gray-200 bg-white p-4">
          <h2 id={`level-${level}`} className="mb-3 text-lg font-semibold">
            {t(`certificates.levelNames.${level}`)}
          </h2>
          <StandardTree level={level} nodes={nodes.filter((n) => n.level === level)} editable={editable} lastResult={actionData?.result} />
        </section>
      ))}
      {editable ? (
        <div className="no-print flex flex-wrap gap-3">
          <Form method="post">
            <input type="hidden" name="intent" value="publish" />
            <button
              type="submit"
              className="rounded bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800 focus:outline-none focus:ring-2 focus:ring-blue-300"
            >
              {t("standards.publish")}
            </button>
          </Form>
          <Form method="post">
            <input type="hidden" name="intent" value="discard" />
            <button
              type="submit"
              className="rounded border border-red-200 px-4 py-2 text-red-700 hover:bg-red-50 focus:outline-none focus:ring-2 focus:ring-red-200"
            >
              {t("standards.discard")}
            </button>
          </Form>
        </div>
      ) : null}
    </div>
  );
}
