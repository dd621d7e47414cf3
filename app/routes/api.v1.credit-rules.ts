import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { publicJson } from "~/modules/fees/public-api.server";
import { publicResource } from "~/modules/public-cache/public-cache.server";
import { apiCreditRule, rulesInForce } from "~/modules/school/credit-rules.server";
import { withPublic } from "~/modules/tenancy/context.server";
import { dayField } from "~/ui/money";
import { uuid } from "~/ui/schema-fields";

const querySchema = z.object({
  certificate: uuid.optional(),
  course: z.string().max(32).optional(),
  asOf: dayField.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

// Public, no login: the credit-conversion rules in force (today in Asia/Shanghai, or ?asOf=),
// newest first, keyset-paginated; the same shape conventions as /api/v1/fee-disclosures. Kept per
// data version ('credit_rules', migration 0051) for anonymous callers, with its ETag (decision 026);
// the day is part of the key, so rules coming into force at midnight need no write.
export async function loader({ request, context }: LoaderFunctionArgs) {
  const parsed = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return json({ error: "invalid query" }, { status: 400 });
  return publicResource({ request, context }, "credit_rules", () =>
    withPublic({ request, context }, async (tx) => {
      const { asOf, limit, ...query } = parsed.data;
      const page = await rulesInForce(tx, { ...query, on: asOf }, limit ?? 100);
      return publicJson({ data: page.rows.map(apiCreditRule), nextCursor: page.nextCursor });
    }),
  );
}
