import { json, type ActionFunctionArgs } from "@remix-run/node";
import { applyStripeEvent, verifyWebhook } from "~/modules/payments/stripe.server";
import { withSystem } from "~/modules/tenancy/context.server";

// Stripe calls this server to server: no session, no Origin. The signature over the raw body is the
// only proof, so the body is read as text before anything parses it.
// A verified event it has no use for (an account not connected here, a session not made by XCert,
// an unknown order) is answered 200 with only its id stored: Stripe stops retrying, a replay is a no-op.
export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return json({ error: "method not allowed" }, { status: 405 });
  const payload = await request.text();
  const event = verifyWebhook(payload, request.headers.get("stripe-signature"));
  if (!event) return json({ error: "invalid signature" }, { status: 400 });
  const outcome = await withSystem((tx) => applyStripeEvent(tx, event));
  return json({ received: true, outcome });
}

export function loader() {
  return json({ error: "method not allowed" }, { status: 405 });
}
