import type { LoaderFunctionArgs } from "@remix-run/node";
import { lookUpCredential, openBadgeCredential, signCredential, verifyRetryAfter } from "~/modules/credentials/verify.server";
import { withPublic } from "~/modules/tenancy/context.server";

// The same credential as a signed Open Badges 3.0 credential: a VC 2.0 EnvelopedVerifiableCredential
// whose id is the VC-JWT (decision 039). Anyone checks it against /.well-known/jwks.json.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withPublic({ request, context }, async (tx, ctx) => {
    const wait = verifyRetryAfter(ctx.ip);
    if (wait) return Response.json({ error: "too_many_requests" }, { status: 429, headers: { "Retry-After": String(wait) } });
    const credential = await lookUpCredential(tx, params.number ?? "");
    if (!credential) return Response.json({ error: "not_found" }, { status: 404 });
    const jwt = await signCredential(openBadgeCredential(credential, request));
    return Response.json(
      { "@context": ["https://www.w3.org/ns/credentials/v2"], type: ["EnvelopedVerifiableCredential"], id: `data:application/vc+jwt,${jwt}` },
      { headers: { Link: '</.well-known/jwks.json>; rel="jwks"' } },
    );
  });
}
