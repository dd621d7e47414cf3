import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { translator } from "~/i18n/i18n";
import { admissionFilterSchema } from "~/modules/admission/schemas";
import { listAdmissions } from "~/modules/admission/service.server";
import { withCommittee } from "~/modules/tenancy/context.server";
import { exportResponse } from "~/ui/export.server";
import { formatDateTime } from "~/ui/format";

const formatSchema = z.enum(["csv", "xlsx"]);

// The admission list as CSV or XLSX, with the page's filter, every page.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const query = new URL(request.url).searchParams;
  const format = formatSchema.safeParse(query.get("format") ?? "csv");
  if (!format.success) throw new Response("Not found", { status: 404 });
  return withCommittee({ request, context }, "committee:review", async (tx, ctx) => {
    const filter = admissionFilterSchema.parse(Object.fromEntries(query));
    const { rows } = await listAdmissions(tx, { status: filter.status }, 100_000);
    const t = translator(ctx.locale);
    type Row = (typeof rows)[number];
    return exportResponse(
      format.data,
      "admissions",
      [
        { header: t("admission.committee.columns.name"), value: (r: Row) => r.name },
        { header: "slug", value: (r: Row) => r.slug },
        { header: t("admission.committee.columns.kind"), value: (r: Row) => t(`tenantKinds.${r.kind}`) },
        { header: t("admission.committee.columns.creditCode"), value: (r: Row) => r.creditCode },
        { header: t("admission.committee.columns.status"), value: (r: Row) => t(`admission.status.${r.status}`) },
        { header: t("admission.committee.detail.reason"), value: (r: Row) => r.reason },
        { header: t("admission.committee.columns.filedAt"), value: (r: Row) => (r.filedAt ? formatDateTime(r.filedAt, ctx.locale) : "") },
        { header: t("admission.committee.columns.decidedAt"), value: (r: Row) => (r.decidedAt ? formatDateTime(r.decidedAt, ctx.locale) : "") },
      ],
      rows,
    );
  });
}
