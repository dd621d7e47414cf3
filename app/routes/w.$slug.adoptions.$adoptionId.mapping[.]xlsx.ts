import type { LoaderFunctionArgs } from "@remix-run/node";
import { translator } from "~/i18n/i18n";
import { mappingOf } from "~/modules/school/mapping.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { exportResponse } from "~/ui/export.server";

// The 书证融通 coverage report of one adoption as XLSX: every requirement, its courses, its state.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "school:read", async (tx, ctx) => {
    const mapping = await mappingOf(tx, ctx, params.adoptionId ?? "");
    if (!mapping) throw new Response("Not found", { status: 404 });
    const t = translator(ctx.locale);
    type Row = (typeof mapping.rows)[number];
    return exportResponse(
      "xlsx",
      `mapping-${mapping.adoption.id.slice(0, 8)}`,
      [
        { header: t("school.mapping.code"), value: (r: Row) => r.code, width: 10 },
        { header: t("school.mapping.requirement"), value: (r) => (ctx.locale === "en" && r.titleEn ? r.titleEn : r.titleZh), width: 40 },
        { header: t("school.mapping.courses"), value: (r) => r.courses.map((c) => `${c.code} ${c.name}`).join("; "), width: 40 },
        { header: t("school.courses.semester"), value: (r) => r.courses.map((c) => c.semester ?? "—").join("; "), width: 12 },
        { header: t("school.mapping.state"), value: (r) => t(`school.mapping.states.${r.state}`), width: 16 },
      ],
      mapping.rows,
    );
  });
}
