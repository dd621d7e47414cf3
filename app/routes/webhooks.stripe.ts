import { json, type ActionFunctionArgs } from "@remix-run/node";
import { applyStripeEvent, verifyWebhook, webhookPrefetch } from "~/modules/payments/stripe.server";
import { withSystem } from "~/modules/tenancy/context.server";
import { formMaxBytes, readBounded } from "~/ui/forms.server";

// Stripe calls this server to server: no session, no Origin. The signature over the raw body is the
// only proof, so the body is read as text before anything parses it.
// A verified event it has no use for (an account not connected here, a session not made by XCert,
// an unknown order) is answered 200 with only its id stored: Stripe stops retrying, a replay is a no-op.
// One naming an order of the account's organization that XCert did not create, or not for the order's
// total in CNY, is answered the same and also recorded (the organization's audit log, the committee's
// audit: decision 022).
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return json({ error: "method not allowed" }, { status: 405 });
  // Stripe's events are under 256 KB. Anyone may post here, so the body is bounded before it is held
  // (F15): a declared length over 1 MB is refused at once; a chunked body is counted as it arrives and
  // read on (not kept) past 1 MB, to a bound, as every form is (decision 018).
  const tooLarge = (close: boolean) => json({ error: "payload too large" }, { status: 413, headers: close ? { Connection: "close" } : undefined });
  if (Number(request.headers.get("content-length") ?? 0) > formMaxBytes) return tooLarge(true);
  const body = await readBounded(request, formMaxBytes);
  if (body.kind !== "whole") return tooLarge(body.kind === "cutOff");
  const payload = body.bytes.toString("utf8");
  const event = verifyWebhook(payload, request.headers.get("stripe-signature"));
  if (!event) return json({ error: "invalid signature" }, { status: 400 });
  const accountNow = await webhookPrefetch(event);
  const outcome = await withSystem((tx, rescope) => applyStripeEvent(tx, rescope, event, accountNow));
  return json({ received: true, outcome });
}

export function loader() {
  return json({ error: "method not allowed" }, { status: 405 });
}
