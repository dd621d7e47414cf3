import type { LoaderFunctionArgs } from "@remix-run/node";
import { translator } from "~/i18n/i18n";
import { getVersion, versionNodes, type StandardNode } from "~/modules/standards/service.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { exportResponse } from "~/ui/export.server";

// A version of a skill standard as a spreadsheet: one row per node, by level and code.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "certificates:read", async (tx, ctx) => {
    const found = await getVersion(tx, ctx, params.versionId ?? "");
    if (!found) throw new Response("Not found", { status: 404 });
    const t = translator(ctx.locale);
    return exportResponse(
      "xlsx",
      `${found.certificate.code}-standard-v${found.version.version}`,
      [
        { header: t("standards.level"), value: (n: StandardNode) => t(`certificates.levelNames.${n.level}`), width: 10 },
        { header: t("standards.code"), value: (n) => n.code, width: 10 },
        { header: t("standards.kind"), value: (n) => t(`standards.kinds.${n.kind}`), width: 16 },
        { header: t("standards.titleZh"), value: (n) => n.titleZh, width: 48 },
        { header: t("standards.titleEn"), value: (n) => n.titleEn, width: 60 },
        { header: t("standards.description"), value: (n) => n.description, width: 60 },
      ],
      await versionNodes(tx, ctx, found.version.id),
    );
  });
}
