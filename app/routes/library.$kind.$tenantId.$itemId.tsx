import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { MarkdownBody } from "~/modules/cases/components/markdown-body";
import { renderMarkdown } from "~/modules/cases/markdown.server";
import { levels } from "~/modules/certificates/schemas";
import { adoptionProposalPath, canProposeAdoption, libraryItem, readLibraryScope } from "~/modules/library/library.server";
import { libraryKinds, type LibraryKind } from "~/modules/library/schemas";
import { StandardTree } from "~/modules/standards/components/standard-tree";
import { withLibrary } from "~/modules/tenancy/context.server";
import { formatBytes, formatDateTime } from "~/ui/format";
import { titleFrom } from "~/ui/page-title";

// One item of the library: what it is, who shares it (provenance), its version and last update.
export const handle = titleFrom<typeof loader>((data, t, en) =>
  data.item.kind === "standard"
    ? t("library.standardOf", { name: en ? data.item.certificateNameEn : data.item.certificateNameZh })
    : data.item.title.slice(0, 40),
);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const kind = params.kind as LibraryKind;
  if (!libraryKinds.includes(kind)) throw new Response("Not found", { status: 404 });
  return withLibrary({ request, context }, await readLibraryScope(request), async (tx, ctx) => {
    const item = await libraryItem(tx, kind, params.tenantId ?? "", params.itemId ?? "");
    // Private, exam-pool, draft and withdrawn items look like missing ones.
    if (!item) throw new Response("Not found", { status: 404 });
    const offered = item.certificateLevels.filter((l) => (levels as readonly string[]).includes(l));
    const itemLevels = item.kind === "question" || item.kind === "case" ? [item.level] : item.kind === "material" ? item.levels : offered;
    return {
      item,
      bodyHtml: item.kind === "case" ? renderMarkdown(item.body) : null,
      proposals: canProposeAdoption(ctx) ? itemLevels.map((level) => ({ level, href: adoptionProposalPath(ctx.tenant.slug, item.certificateId, level) })) : [],
    };
  });
}

export default function LibraryItemPage() {
  const { item, bodyHtml, proposals } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const en = locale === "en";
  const certificate = `${item.certificateCode} · ${en ? item.certificateNameEn : item.certificateNameZh}`;
  const version = item.kind === "question" || item.kind === "standard" ? item.version : null;
  return (
    <article className="space-y-4">
      <p className="text-sm">
        <Link to="/library" className="text-blue-700 hover:underline">
          ← {t("library.title")}
        </Link>
      </p>
      <div>
        <p className="text-xs text-gray-500">{t(`library.kinds.${item.kind}`)}</p>
        <h1 className="text-2xl font-bold" data-testid="library-item-title">
          {item.kind === "standard" ? t("library.standardOf", { name: en ? item.certificateNameEn : item.certificateNameZh }) : item.title}
        </h1>
      </div>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 rounded border border-gray-200 bg-white p-4 text-sm">
        <dt className="text-gray-500">{t("library.organization")}</dt>
        <dd data-testid="library-provenance">{en && item.organizationNameEn ? item.organizationNameEn : item.organizationName}</dd>
        <dt className="text-gray-500">{t("library.certificate")}</dt>
        <dd>{certificate}</dd>
        <dt className="text-gray-500">{t("library.version")}</dt>
        <dd>{version ? `v${version}` : t("library.notVersioned")}</dd>
        <dt className="text-gray-500">{t("library.updatedAt")}</dt>
        <dd>{formatDateTime(item.updatedAt, locale)}</dd>
      </dl>
      {proposals.length ? (
        <div className="flex flex-wrap gap-2 text-sm" data-testid="propose-adoption">
          {proposals.map((p) => (
            <Link key={p.level} to={p.href} className="rounded bg-blue-700 px-3 py-1 text-white hover:bg-blue-800">
              {t("library.proposeAdoption", { level: t(`certificates.levelNames.${p.level}`) })}
            </Link>
          ))}
        </div>
      ) : null}
      {item.kind === "question" ? (
        <section className="space-y-2 rounded border border-gray-200 bg-white p-4">
          <p className="text-xs text-gray-500">
            {t(`questions.types.${item.type}`)} · {t(`certificates.levelNames.${item.level}`)} · {t("questions.difficulty")} {item.difficulty}
          </p>
          <p className="whitespace-pre-wrap">{item.title}</p>
          {item.options.length ? (
            <ol className="list-[upper-alpha] pl-6">
              {item.options.map((option, i) => (
                <li key={i}>{option}</li>
              ))}
            </ol>
          ) : null}
          <p>
            <span className="text-gray-500">{t("questions.answer")}: </span>
            {item.answer}
          </p>
          {item.explanation ? <p className="whitespace-pre-wrap text-sm text-gray-700">{item.explanation}</p> : null}
        </section>
      ) : null}
      {item.kind === "case" ? (
        <section className="space-y-2">
          <p className="text-sm text-gray-600">
            {t(`certificates.levelNames.${item.level}`)}
            {item.industryContext ? ` · ${item.industryContext}` : ""}
          </p>
          {bodyHtml ? <MarkdownBody html={bodyHtml} /> : null}
        </section>
      ) : null}
      {item.kind === "material" ? (
        <section className="space-y-2 rounded border border-gray-200 bg-white p-4 text-sm">
          <p>
            {t(`materials.kinds.${item.materialKind}`)} · {item.levels.map((l) => t(`certificates.levelNames.${l}`)).join(" / ")}
          </p>
          {item.isbn ? <p className="font-mono text-xs">ISBN {item.isbn}</p> : null}
          {item.publisher ? <p>{item.publisher}</p> : null}
          {[item.schoolEditor, item.enterpriseEditor].filter(Boolean).length ? (
            <p>{[item.schoolEditor, item.enterpriseEditor].filter(Boolean).join(" · ")}</p>
          ) : null}
          {item.description ? <p className="whitespace-pre-wrap text-gray-700">{item.description}</p> : null}
          <h2 className="pt-2 font-semibold">{t("library.attachments")}</h2>
          {item.attachments.length ? (
            <ul className="list-disc pl-6">
              {item.attachments.map((a) => (
                <li key={a.id}>
                  <a href={`/library/material/${item.organizationId}/${item.id}/attachments/${a.id}`} className="text-blue-700 hover:underline" download>
                    {a.fileName}
                  </a>{" "}
                  <span className="text-gray-500">({formatBytes(a.sizeBytes)})</span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-gray-600">{t("library.noAttachments")}</p>
          )}
        </section>
      ) : null}
      {item.kind === "standard" ? (
        <section className="space-y-4">
          {item.notes ? <p className="whitespace-pre-wrap text-sm text-gray-700">{item.notes}</p> : null}
          {levels
            .filter((level) => item.nodes.some((n) => n.level === level))
            .map((level) => (
              <div key={level} className="rounded border border-gray-200 bg-white p-4">
                <h2 className="mb-2 font-semibold">{t(`certificates.levelNames.${level}`)}</h2>
                <StandardTree level={level} nodes={item.nodes.filter((n) => n.level === level)} editable={false} />
              </div>
            ))}
        </section>
      ) : null}
    </article>
  );
}
