import { sql } from "drizzle-orm";
import type { Tx } from "../../../db/client.server";
import type { importJobs } from "../../../db/schema";
import type { ImportAuditPrefix } from "~/modules/audit/actions";
import type { ImportFormat } from "./formats.server";
import type { RowContext, RowResult, Sheet, SheetRow } from "./sheet";

// What a bank plugs into the import pipeline. Adapters import these types, not the runner, so the
// runner can read the registry (app/modules/banks/imports.server.ts) without a circle.

export type Job = typeof importJobs.$inferSelect;
export type ImportKind = Job["kind"];

export interface BankImport {
  formats: readonly ImportFormat[];
  sheet: Sheet;
  parseRow: (row: SheetRow, rowNumber: number, context: RowContext) => RowResult<unknown>;
  /** Moves the job's staged rows into the bank in the caller's transaction (cached plans); returns how many. */
  move: (tx: Tx, job: Job) => Promise<number>;
  /** Reads once per job, before validation, what rows are checked against (RowContext.lookups). */
  lookups?: (tx: Tx, tenantId: string) => Promise<Record<string, unknown>>;
  /** Audit action prefix (`<prefix>.create|done|failed`). */
  audit: ImportAuditPrefix;
}

// Transactions plan every statement for its parameters (plan_cache_mode = force_custom_plan, set with
// the scope), and that includes each row's foreign-key checks. A bulk move whose checks look up tables
// the import does not grow (tenant, certificate, user) lets them keep their cached plans instead.
export const cachedPlans = sql`set local plan_cache_mode = auto`;
export const customPlans = sql`set local plan_cache_mode = force_custom_plan`;
