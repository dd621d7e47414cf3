import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { getVersion, versionNodes, type StandardNode } from "~/modules/standards/service.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { formatDate, formatDateTime } from "~/ui/format";
import { titleFrom } from "~/ui/page-title";

// The print-friendly standard: outside the workspace layout (`w.$slug_`), so no menu; the site
// header is hidden when printing (.no-print). The table is the usual shape of a published
// 职业技能等级标准: work area | work task | skill requirements.
export const handle = titleFrom<typeof loader>(
  (data, t, en) =>
    `${t("standards.titleOf", { certificate: en ? data.certificate.nameEn : data.certificate.nameZh })} · ${t("standards.version", { version: data.version.version })}`,
);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "certificates:read", async (tx, ctx) => {
    const found = await getVersion(tx, ctx, params.versionId ?? "");
    if (!found) throw new Response("Not found", { status: 404 });
    return { ...found, nodes: await versionNodes(tx, ctx, found.version.id), printedAt: new Date().toISOString() };
  });
}

type Node = Pick<StandardNode, "id" | "parentId" | "kind" | "code" | "titleZh" | "titleEn" | "description">;
type Row = { area?: { node: Node; span: number }; task?: { node: Node; span: number }; requirement?: Node };

/** One table row per skill requirement, with the area and task cells spanning their rows. */
function rowsOf(nodes: Node[]): Row[] {
  const under = (id: string | null) => nodes.filter((n) => n.parentId === id);
  const rows: Row[] = [];
  for (const area of under(null)) {
    const tasks = under(area.id);
    const spans = tasks.map((task) => Math.max(1, under(task.id).length));
    rows.push({
      area: {
        node: area,
        span: Math.max(
          1,
          spans.reduce((a, b) => a + b, 0),
        ),
      },
    });
    let first = true;
    for (const [i, task] of tasks.entries()) {
      const requirements = under(task.id);
      const row = first ? rows[rows.length - 1] : (rows[rows.push({}) - 1] as Row);
      first = false;
      row.task = { node: task, span: spans[i] };
      row.requirement = requirements[0];
      for (const requirement of requirements.slice(1)) rows.push({ requirement });
    }
  }
  return rows;
}

export default function PrintStandard() {
  const { certificate, version, nodes, printedAt } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const en = locale === "en";
  const title = (n: Node) => (en && n.titleEn ? n.titleEn : n.titleZh);
  const cell = (n: Node) => (
    <>
      <span className="font-mono">{n.code}</span> {title(n)}
      {n.description ? <span className="mt-1 block text-xs text-gray-600">{n.description}</span> : null}
    </>
  );
  return (
    <article className="mx-auto max-w-4xl bg-white p-6 text-sm print:p-0">
      <header className="mb-6 text-center">
        <h1 className="text-2xl font-bold">{t("standards.titleOf", { certificate: en ? certificate.nameEn : certificate.nameZh })}</h1>
        <p className="mt-1 text-gray-700">
          {certificate.code} · {t("standards.version", { version: version.version })} · {t(`standards.statuses.${version.status}`)}
          {version.publishedAt ? ` · ${t("standards.publishedAt")} ${formatDate(version.publishedAt, locale)}` : ""}
        </p>
        <button type="button" onClick={() => window.print()} className="no-print mt-3 rounded border border-gray-300 bg-white px-3 py-1 hover:bg-gray-100">
          {t("standards.print")}
        </button>
      </header>
      {nodes.length === 0 ? <p>{t("standards.emptyTree")}</p> : null}
      {certificate.levels.map((level) => {
        const rows = rowsOf(nodes.filter((n) => n.level === level));
        if (!rows.length) return null;
        return (
          <section key={level} className="mb-8 break-inside-avoid-page">
            <h2 className="mb-2 text-lg font-semibold">{t(`certificates.levelNames.${level}`)}</h2>
            <table className="w-full border-collapse text-left" data-testid={`print-${level}`}>
              <thead>
                <tr>
                  <th className="w-1/5 border border-gray-400 px-2 py-1">{t("standards.kinds.work_area")}</th>
                  <th className="w-1/4 border border-gray-400 px-2 py-1">{t("standards.kinds.work_task")}</th>
                  <th className="border border-gray-400 px-2 py-1">{t("standards.kinds.skill_requirement")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row, i) => (
                  <tr key={i} className="break-inside-avoid align-top">
                    {row.area ? (
                      <td rowSpan={row.area.span} className="border border-gray-400 px-2 py-1">
                        {cell(row.area.node)}
                      </td>
                    ) : null}
                    {row.task ? (
                      <td rowSpan={row.task.span} className="border border-gray-400 px-2 py-1">
                        {cell(row.task.node)}
                      </td>
                    ) : null}
                    {row.area && !row.task ? <td className="border border-gray-400 px-2 py-1" /> : null}
                    <td className="border border-gray-400 px-2 py-1">{row.requirement ? cell(row.requirement) : null}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        );
      })}
      <footer className="mt-6 text-xs text-gray-500">{t("standards.printed", { at: formatDateTime(printedAt, locale) })}</footer>
    </article>
  );
}
