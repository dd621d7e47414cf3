import { sql } from "drizzle-orm";
import type { MemberRole } from "./permissions";

// The row-level-security scope of a transaction, as SQL. Only the request wrappers
// (context.server.ts) open transactions and set it for the app; the seed and the tests set it on
// transactions of their own. ESLint keeps every other module from importing this file.

export type ScopeRole = "system" | "public" | "user" | "auth" | MemberRole;

export type Scope = { tenantId?: string | null; tenantKind?: string | null; userId?: string | null; role: ScopeRole };

function scopeSettings(scope: Scope) {
  return sql`
    set_config('app.tenant_id', ${scope.tenantId ?? ""}, true),
    set_config('app.tenant_kind', ${scope.tenantKind ?? ""}, true),
    set_config('app.user_id', ${scope.userId ?? ""}, true),
    set_config('app.role', ${scope.role}, true)`;
}

/** Changes the scope of a transaction already entered (all settings are transaction-local). */
export function rescopeStatement(scope: Scope) {
  return sql`select ${scopeSettings(scope)}`;
}

// The first statement of every transaction: the query role and the scope in one round trip.
// set_config('role', …, true) is what `set local role` does (and is checked the same way). JIT off:
// a request's queries run in milliseconds, and compiling them (PostgreSQL turns JIT on by cost, which
// the cross-tenant fee pages reach) took 40–90 ms on the benchmark's data. Custom plans: statements are
// prepared (decision 015) but each is planned for its parameters, as an unnamed one would be; a
// generic plan cannot see the tenant or the search term, and under RLS its estimates are worse still.
export function enterScopeStatement(scope: Scope) {
  return sql`select set_config('role', 'app_user', true), set_config('jit', 'off', true), set_config('plan_cache_mode', 'force_custom_plan', true), ${scopeSettings(scope)}`;
}
