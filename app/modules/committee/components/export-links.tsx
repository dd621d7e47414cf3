import { useLocation } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/** Links to /committee/export/:list with the page's current filters (paging dropped). */
export function CommitteeExportLinks({ list }: { list: string }) {
  const location = useLocation();
  const { t } = useTranslation();
  const href = (format: string) => {
    const query = new URLSearchParams(location.search);
    query.delete("cursor");
    query.delete("page");
    query.set("format", format);
    return `/committee/export/${list}?${query}`;
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
