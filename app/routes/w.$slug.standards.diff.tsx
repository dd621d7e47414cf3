import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { diffQuerySchema } from "~/modules/standards/schemas";
import { compareVersions, type DiffNode } from "~/modules/standards/service.server";
import { withTenant } from "~/modules/tenancy/context.server";
import type { RouteHandle } from "~/ui/page-title";

// Two versions of one certificate's standard, node by node: added, removed, changed, per level.
export const handle: RouteHandle = { title: "standards.diff.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "certificates:read", async (tx, ctx) => {
    const query = diffQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    return compareVersions(tx, ctx, query.from ?? "", query.to ?? "");
  });
}

const tone = { added: "border-green-200 bg-green-50", removed: "border-red-200 bg-red-50", changed: "border-amber-200 bg-amber-50" } as const;

export default function StandardDiff() {
  const { certificate, from, to, levels } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const en = locale === "en";
  const base = `/w/${useParams().slug}`;
  const label = (n: DiffNode) => (
    <>
      <span className="font-mono">{n.code}</span> {en && n.titleEn ? n.titleEn : n.titleZh}{" "}
      <span className="text-xs text-gray-500">{t(`standards.kinds.${n.kind}`)}</span>
    </>
  );
  const show = (n: DiffNode, field: string) => {
    const value = field === "parent" ? n.parentCode : n[field as keyof DiffNode];
    return value ? String(value) : t("standards.diff.none");
  };
  return (
    <div className="space-y-6">
      <div>
        <p className="font-mono text-xs text-gray-500">{certificate.code}</p>
        <h1 className="text-2xl font-bold">{t("standards.diff.title")}</h1>
        <p className="text-lg">{t("standards.diff.heading", { from: from.version, to: to.version })}</p>
        <p className="mt-1 max-w-3xl text-sm text-gray-600">{t("standards.diff.lead")}</p>
      </div>
      <nav className="flex flex-wrap gap-2 text-sm">
        <Link to={`${base}/standards/${from.id}`} className="rounded border border-gray-300 bg-white px-2 py-1 hover:bg-gray-100">
          {t("standards.version", { version: from.version })}
        </Link>
        <Link to={`${base}/standards/${to.id}`} className="rounded border border-gray-300 bg-white px-2 py-1 hover:bg-gray-100">
          {t("standards.version", { version: to.version })}
        </Link>
        <Link to={`${base}/certificates/${certificate.id}/standards`} className="rounded border border-gray-300 bg-white px-2 py-1 hover:bg-gray-100">
          ← {t("standards.back")}
        </Link>
      </nav>
      {levels.length === 0 ? <p className="text-gray-600">{t("standards.diff.noChanges")}</p> : null}
      {levels.map((entry) => (
        <section key={entry.level} data-testid={`diff-${entry.level}`}>
          <h2 className="mb-2 text-lg font-semibold">{t(`certificates.levelNames.${entry.level}`)}</h2>
          <div className="space-y-3">
            {(["added", "removed"] as const).map((kind) =>
              entry[kind].length ? (
                <div key={kind} className={`rounded border p-3 ${tone[kind]}`}>
                  <h3 className="mb-1 font-medium">
                    {t(`standards.diff.${kind}`)} ({entry[kind].length})
                  </h3>
                  <ul className="space-y-1 text-sm" data-testid={`diff-${kind}`}>
                    {entry[kind].map((n) => (
                      <li key={n.lineageId} className={kind === "removed" ? "line-through decoration-red-300" : undefined}>
                        {label(n)}
                      </li>
                    ))}
                  </ul>
                </div>
              ) : null,
            )}
            {entry.changed.length ? (
              <div className={`rounded border p-3 ${tone.changed}`}>
                <h3 className="mb-1 font-medium">
                  {t("standards.diff.changed")} ({entry.changed.length})
                </h3>
                <ul className="space-y-2 text-sm" data-testid="diff-changed">
                  {entry.changed.map((change) => (
                    <li key={change.to.lineageId}>
                      {label(change.to)}
                      <dl className="ml-4 grid grid-cols-[8rem_1fr] gap-x-2">
                        {change.fields.map((field) => (
                          <div key={field} className="contents">
                            <dt className="text-gray-600">{t(`standards.diff.fields.${field}`)}</dt>
                            <dd>
                              <span className="text-red-800 line-through decoration-red-300">{show(change.from, field)}</span> →{" "}
                              <span className="text-green-800">{show(change.to, field)}</span>
                            </dd>
                          </div>
                        ))}
                      </dl>
                    </li>
                  ))}
                </ul>
              </div>
            ) : null}
          </div>
        </section>
      ))}
    </div>
  );
}
