import type { LoaderFunctionArgs } from "@remix-run/node";
import { translator } from "~/i18n/i18n";
import { getImportJob } from "~/modules/imports/jobs.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { exportResponse } from "~/ui/export.server";

// The errors of a failed import, by row and column, in the user's language.
export async function loader({ request, params }: LoaderFunctionArgs) {
  return withTenant(request, params.slug, "certificates:write", async (tx, ctx) => {
    const job = await getImportJob(tx, ctx, params.jobId ?? "");
    if (!job) throw new Response("Not found", { status: 404 });
    const t = translator(ctx.locale);
    return exportResponse("xlsx", `import-errors-${job.id.slice(0, 8)}`, [
      { header: t("questions.import.row"), value: (e: (typeof job.errors)[number]) => e.row, width: 10 },
      { header: t("questions.import.column"), value: (e) => e.column, width: 16 },
      { header: t("questions.import.message"), value: (e) => e.message, width: 80 },
    ], job.errors);
  });
}
