import type { LoaderFunctionArgs } from "@remix-run/node";
import { translator } from "~/i18n/i18n";
import { findingSummary } from "~/modules/committee/digest.server";
import { evidenceLink, feeFindings, type Finding } from "~/modules/committee/fee-audit.server";
import { findingFilterSchema } from "~/modules/committee/findings";
import { withCommittee } from "~/modules/tenancy/context.server";
import { exportResponse } from "~/ui/export.server";
import { formatDateTime } from "~/ui/format";
import { appUrl } from "~/ui/url.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  return withCommittee({ request, context }, "committee:audit", async (tx, ctx) => {
    const filter = findingFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    const findings = await feeFindings(tx, filter);
    const t = translator(ctx.locale);
    return exportResponse(
      "csv",
      "fee-audit",
      [
        { header: t("committee.findingType"), value: (f: Finding) => t(`committee.findingTypes.${f.type}`) },
        { header: t("fees.organization"), value: (f: Finding) => f.organizationName },
        { header: t("committee.detail"), value: (f: Finding) => findingSummary(t, f, ctx.locale) },
        { header: t("committee.actualFen"), value: (f: Finding) => f.actualFen },
        { header: t("committee.expectedFen"), value: (f: Finding) => f.expectedFen },
        { header: t("committee.at"), value: (f: Finding) => formatDateTime(f.at, ctx.locale) },
        { header: t("committee.evidence"), value: (f: Finding) => appUrl(evidenceLink(f)) },
        { header: "key", value: (f: Finding) => f.key },
      ],
      findings,
    );
  });
}
