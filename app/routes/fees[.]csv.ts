import type { LoaderFunctionArgs } from "@remix-run/node";
import { translator } from "~/i18n/i18n";
import { publicFeeColumns } from "~/modules/fees/public-api.server";
import { publishedDisclosures, type PublicDisclosure } from "~/modules/fees/public.server";
import { publicFeeFilterSchema } from "~/modules/fees/schemas";
import { withPublic } from "~/modules/tenancy/context.server";
import { exportResponse } from "~/ui/export.server";

// Every published disclosure with its history, as CSV (UTF-8 with BOM so Excel opens Chinese).
export async function loader({ request, context }: LoaderFunctionArgs) {
  return withPublic({ request, context }, async (tx, ctx) => {
    const filter = publicFeeFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    const rows: PublicDisclosure[] = [];
    let cursor: string | undefined;
    do {
      const page = await publishedDisclosures(tx, { ...filter, cursor }, 1000);
      rows.push(...page.rows);
      cursor = page.nextCursor ?? undefined;
    } while (cursor && rows.length < 200_000);
    const response = await exportResponse("csv", "fee-disclosures", publicFeeColumns(translator(ctx.locale), ctx.locale), rows);
    response.headers.set("Cache-Control", "public, max-age=60");
    // The headers follow the lng cookie: a shared cache keeps one copy per cookie, never serves the
    // Chinese file to an English reader (F26).
    response.headers.set("Vary", "Cookie");
    return response;
  });
}
