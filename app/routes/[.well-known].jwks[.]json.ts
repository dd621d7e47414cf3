import { publicJwks } from "~/modules/credentials/verify.server";

// The platform's public signing keys (Ed25519): verifiers of /verify/:number.json fetch them here.
export async function loader() {
  return Response.json(await publicJwks(), { headers: { "Cache-Control": "public, max-age=3600" } });
}
