import type { LoaderFunctionArgs } from "@remix-run/node";
import { lookUpCredential, openBadgeCredential, signCredential, verifyRetryAfter } from "~/modules/credentials/verify.server";
import { publicResource } from "~/modules/public-cache/public-cache.server";
import { withPublic } from "~/modules/tenancy/context.server";

// The same credential as a signed Open Badges 3.0 credential: a VC 2.0 EnvelopedVerifiableCredential
// whose id is the VC-JWT (decision 039). Anyone checks it against /.well-known/jwks.json.
// Counted like the page; the signed answer comes from the public cache per 'verify' data version
// (a 304 for a client that has it), so a status change is a new version and a new signature.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const wait = await verifyRetryAfter();
  if (wait) return Response.json({ error: "too_many_requests" }, { status: 429, headers: { "Retry-After": String(wait) } });
  return publicResource({ request, context }, "verify", () =>
    withPublic({ request, context }, async (tx) => {
      const credential = await lookUpCredential(tx, params.number ?? "");
      if (!credential) return Response.json({ error: "not_found" }, { status: 404 });
      const jwt = await signCredential(openBadgeCredential(credential, request));
      return Response.json(
        { "@context": ["https://www.w3.org/ns/credentials/v2"], type: ["EnvelopedVerifiableCredential"], id: `data:application/vc+jwt,${jwt}` },
        { headers: { Link: '</.well-known/jwks.json>; rel="jwks"' } },
      );
    }),
  );
}
