import { useTranslation } from "react-i18next";

/** CSV/XLSX of a committee list through the committee workspace's export route (/w/<slug>/export/<list>). */
export function CommitteeExportLinks({ slug, list, query = {} }: { slug: string; list: string; query?: Record<string, string> }) {
  const { t } = useTranslation();
  const href = (format: string) => `/w/${slug}/export/${list}?${new URLSearchParams({ ...query, format })}`;
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
