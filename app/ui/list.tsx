import { Link, useLocation, useParams } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

/**
 * Links to /w/:slug/export/:list with the page's current filters (paging dropped). Pages outside
 * /w/:slug name the workspace and the query themselves, or the export route (`to`, the committee's).
 */
export function ExportLinks({ list, slug, query: fixed, to }: { list: string; slug?: string; query?: Record<string, string>; to?: string }) {
  const location = useLocation();
  const params = useParams();
  const { t } = useTranslation();
  const href = (format: string) => {
    const query = new URLSearchParams(fixed ?? location.search);
    query.delete("cursor");
    query.delete("page");
    query.set("format", format);
    return `${to ?? `/w/${slug ?? params.slug}/export/${list}`}?${query}`;
  };
  return (
    <span className="no-print flex gap-2 text-sm">
      <a href={href("csv")} className="rounded border border-gray-300 bg-white px-2 py-1 hover:bg-gray-100" download>
        {t("common.exportCsv")}
      </a>
      <a href={href("xlsx")} className="rounded border border-gray-300 bg-white px-2 py-1 hover:bg-gray-100" download>
        {t("common.exportXlsx")}
      </a>
    </span>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <p className="rounded border border-dashed border-gray-300 bg-white p-6 text-center text-gray-600">{children}</p>;
}

/** Keyset pagination: a link to the next page when there is one. */
export function NextPage({ cursor }: { cursor: string | null }) {
  const location = useLocation();
  const { t } = useTranslation();
  if (!cursor) return null;
  const params = new URLSearchParams(location.search);
  params.set("cursor", cursor);
  return (
    <nav aria-label={t("common.pagination")} className="mt-4 flex justify-end">
      <Link to={`?${params}`} className="rounded border border-gray-300 bg-white px-3 py-1 text-sm hover:bg-gray-100">
        {t("common.nextPage")}
      </Link>
    </nav>
  );
}

export function Table({ caption, head, children }: { caption: string; head: ReactNode; children: ReactNode }) {
  return (
    <div className="overflow-x-auto rounded border border-gray-200 bg-white">
      <table className="min-w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-gray-50 text-xs uppercase text-gray-600">{head}</thead>
        <tbody className="divide-y divide-gray-100">{children}</tbody>
      </table>
    </div>
  );
}

/**
 * The `<select>` of a list filter, showing the value in the URL; `all` adds the empty choice (any).
 * Returns a function so a page writes `select("level", options)` for each of its filters.
 */
export function filterSelect(searchParams: URLSearchParams, allLabel: string) {
  return (name: string, options: { value: string; label: string }[], all = true) => (
    <select name={name} defaultValue={searchParams.get(name) ?? ""} className="mt-1 block rounded border border-gray-300 bg-white px-2 py-1">
      {all ? <option value="">{allLabel}</option> : null}
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}
