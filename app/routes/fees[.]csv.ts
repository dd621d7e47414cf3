import type { LoaderFunctionArgs } from "@remix-run/node";
import { translator } from "~/i18n/i18n";
import { publicFeeColumns } from "~/modules/fees/public-api.server";
import { publishedDisclosures, type PublicDisclosure } from "~/modules/fees/public.server";
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
      const rows: PublicDisclosure[] = [];
      let cursor: string | undefined;
      do {
        const page = await publishedDisclosures(tx, { ...filter, cursor }, 1000);
        rows.push(...page.rows);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && rows.length < 200_000);
      // The headers follow the lng cookie: publicResource's `Vary: Cookie` makes a shared cache keep one
      // copy per cookie, never serve the Chinese file to an English reader (F26).
      return exportResponse("csv", "fee-disclosures", publicFeeColumns(translator(ctx.locale), ctx.locale), rows);
    }),
  );
}
