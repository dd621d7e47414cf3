import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { apiDisclosure, publicJson } from "~/modules/fees/public-api.server";
import { publishedDisclosures } from "~/modules/fees/public.server";
import { publicFeeFilterSchema } from "~/modules/fees/schemas";
import { publicResource } from "~/modules/public-cache/public-cache.server";
import { withPublic } from "~/modules/tenancy/context.server";

// Public, no login: every published fee disclosure, newest publication first, keyset-paginated.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const parsed = publicFeeFilterSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return json({ error: "invalid query" }, { status: 400 });
  // Kept per data version for anonymous callers, with its ETag (decision 026).
  return publicResource({ request, context }, "fees", () =>
    withPublic({ request, context }, async (tx) => {
      const page = await publishedDisclosures(tx, parsed.data, parsed.data.limit ?? 100);
      return publicJson({ data: page.rows.map(apiDisclosure), nextCursor: page.nextCursor });
    }),
  );
}
