import type { LoaderFunctionArgs } from "@remix-run/node";
import { translator } from "~/i18n/i18n";
import { publicFeeColumns } from "~/modules/fees/public-api.server";
import { allPublishedDisclosures } from "~/modules/fees/public.server";
import { publicFeeFilterSchema } from "~/modules/fees/schemas";
import { publicResource } from "~/modules/public-cache/public-cache.server";
import { withPublic } from "~/modules/tenancy/context.server";
import { exportResponse } from "~/ui/export.server";

// Every published disclosure with its history, as CSV (UTF-8 with BOM so Excel opens Chinese).
// Kept per data version and language for anonymous visitors (decision 026).
export async function loader({ request, context }: LoaderFunctionArgs) {
  return publicResource({ request, context }, "fees", () =>
    withPublic({ request, context }, async (tx, ctx) => {
      const filter = publicFeeFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
      // One statement for the whole file (not a page query per 1,000 rows).
      const rows = await allPublishedDisclosures(tx, filter, 200_000);
      // The headers follow the lng cookie: publicResource's `Vary: Cookie` makes a shared cache keep one
      // copy per cookie, never serve the Chinese file to an English reader (F26).
      return exportResponse("csv", "fee-disclosures", publicFeeColumns(translator(ctx.locale), ctx.locale), rows);
    }),
  );
}
