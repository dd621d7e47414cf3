import type { Tx } from "../client.server";
import { rescopeStatement, type Scope } from "../../app/modules/tenancy/scope.server";

/**
 * The seed writes as the app would, under RLS, switching tenants inside the transaction `withSystem`
 * opened for it. The app itself cannot: only the request wrappers change a scope.
 */
export async function seedScope(tx: Tx, scope: Scope) {
  await tx.execute(rescopeStatement(scope));
}
