import { z } from "zod";

// The kinds of finding of the committee's fee audit and its filters: shared by the server (which
// computes findings) and the page (which lists the kinds in its filter), so not in a .server module.

export const findingTypes = ["late_notice", "over_cap", "no_cap", "order_price_mismatch", "payment_mismatch", "no_disclosure", "unverified_payment"] as const;
export type FindingType = (typeof findingTypes)[number];

export const findingFilterSchema = z.object({
  organization: z.string().max(60).optional().catch(undefined),
  type: z.enum(findingTypes).optional().catch(undefined),
  sort: z.enum(["date", "organization", "type"]).optional().catch(undefined),
  cursor: z.string().max(500).optional().catch(undefined),
});
