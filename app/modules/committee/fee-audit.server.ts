import { sql, type SQL } from "drizzle-orm";
import type { z } from "zod";
import { rowsOf, type Tx } from "../../../db/client.server";
import { anyString, cursorTime, decodeCursor, encodeCursor, isTimestamp, keysetAfter, keysetOrder, type KeysetColumn } from "~/ui/keyset.server";
import type { findingFilterSchema, FindingType } from "./findings";

// The committee's fee audit (§二.10, §二.14): nothing a tenant writes can hide a finding, and a cap
// lowered later makes older disclosures findings too.

export interface Finding {
  key: string;
  type: FindingType;
  organizationSlug: string;
  organizationName: string;
  organizationNameEn: string | null;
  entityId: string;
  /** The disclosure (for disclosure findings) or order (for order findings) the finding is about. */
  entityType: "fee_disclosure" | "assessment_order";
  reference: string;
  at: string;
  /** Amounts in fen: what was charged or disclosed, and what the rule allows or expects. */
  actualFen: number | null;
  expectedFen: number | null;
  /** Days of notice given and required, for late_notice. */
  noticeGiven: number | null;
  noticeRequired: number | null;
}

// The audit's rules run in the database (migration 0014, decision 011): each write that can change a
// finding refreshes the stored findings of its fee key, and `catch_up_fee_findings()` refreshes the
// keys whose dates came due since the last visit (a newer fee taking effect, a cap set for later).
// Reading the audit is then a read of a small table, whatever the number of orders.
async function catchUp(tx: Tx) {
  await tx.execute(sql`select catch_up_fee_findings()`);
}

const columns = sql`
  f.type || ':' || f.entity_id as key, f.type, t.slug as "organizationSlug", t.name as "organizationName",
  t.name_en as "organizationNameEn", f.entity_id as "entityId", f.entity_type as "entityType", f.reference,
  f.at, ${cursorTime(sql.raw("f.at"))} as "cursorAt", f.actual_fen as "actualFen", f.expected_fen as "expectedFen",
  f.notice_given as "noticeGiven", f.notice_required as "noticeRequired"`;

type Filter = z.infer<typeof findingFilterSchema> & { entityId?: string; tenantId?: string };

function where(filter: Filter): SQL {
  return sql.join(
    [
      sql`true`,
      filter.organization ? sql`t.slug = ${filter.organization}` : undefined,
      filter.type ? sql`f.type = ${filter.type}` : undefined,
      filter.tenantId ? sql`f.tenant_id = ${filter.tenantId}::uuid` : undefined,
      filter.entityId ? sql`f.entity_id = ${filter.entityId}::uuid` : undefined,
    ].filter((part): part is SQL => part !== undefined),
    sql` and `,
  );
}

type Row = Finding & { cursorAt: string };

// The keyset columns, each with its direction and the row's value for a cursor; a sort is their order.
const keyColumns = {
  at: { expr: sql`f.at`, dir: "desc", cast: sql`timestamptz`, value: (row: Row) => row.cursorAt },
  slug: { expr: sql`t.slug`, dir: "asc", value: (row: Row) => row.organizationSlug },
  type: { expr: sql`f.type`, dir: "asc", value: (row: Row) => row.type },
  entity: { expr: sql`f.entity_id::text`, dir: "asc", value: (row: Row) => row.entityId },
} satisfies Record<string, KeysetColumn & { value: (row: Row) => string }>;
const sorts = {
  date: ["at", "slug", "type", "entity"],
  organization: ["slug", "at", "type", "entity"],
  type: ["type", "at", "slug", "entity"],
} as const;

function normalise({ cursorAt: _, ...row }: Row): Finding {
  return {
    ...row,
    at: new Date(row.at).toISOString(),
    actualFen: row.actualFen === null ? null : Number(row.actualFen),
    expectedFen: row.expectedFen === null ? null : Number(row.expectedFen),
    noticeGiven: row.noticeGiven === null ? null : Number(row.noticeGiven),
    noticeRequired: row.noticeRequired === null ? null : Number(row.noticeRequired),
  };
}

async function select(tx: Tx, filter: Filter, after: SQL = sql``, limit: SQL = sql``) {
  const sort = sorts[filter.sort ?? "date"].map((name) => keyColumns[name]);
  return rowsOf<Row>(
    await tx.execute(sql`
      select ${columns} from fee_findings f join tenants t on t.id = f.tenant_id
      where ${where(filter)} ${after}
      order by ${keysetOrder(sort)} ${limit}`),
  );
}

/** Every finding matching the filter (the CSV, the digest, one order's verdict). */
export async function feeFindings(tx: Tx, filter: Filter = {}): Promise<Finding[]> {
  await catchUp(tx);
  return (await select(tx, filter)).map(normalise);
}

/**
 * The audit page: findings per organization and type (its overview and organization filter), and one
 * page of findings keyset-paginated in the chosen sort.
 */
export async function feeAuditPage(tx: Tx, filter: Filter & { cursor?: string }, pageSize = 50) {
  const names = sorts[filter.sort ?? "date"];
  const sort = names.map((name) => keyColumns[name]);
  const after = decodeCursor(
    filter.cursor,
    names.map((name) => (name === "at" ? isTimestamp : anyString)),
  );
  // Sent together: the transaction's one connection runs them in order, so both reads see the
  // findings caught up, and the page waits for one round trip instead of three.
  const [, rows, counts] = await Promise.all([
    catchUp(tx),
    select(tx, filter, after ? sql`and ${keysetAfter(sort, after)}` : sql``, sql`limit ${pageSize + 1}`),
    findingCounts(tx),
  ]);
  const more = rows.length > pageSize;
  const page = more ? rows.slice(0, pageSize) : rows;
  const last = page[page.length - 1];
  return {
    counts,
    rows: page.map(normalise),
    nextCursor: more ? encodeCursor(sort.map((column) => column.value(last))) : null,
  };
}

async function findingCounts(tx: Tx) {
  const rows = rowsOf<{ slug: string; name: string; nameEn: string | null; type: FindingType; n: number }>(
    await tx.execute(sql`
      select t.slug, t.name, t.name_en as "nameEn", f.type, count(*)::int as n
      from fee_findings f join tenants t on t.id = f.tenant_id
      group by t.slug, t.name, t.name_en, f.type`),
  );
  const counts = new Map<string, { slug: string; name: string; nameEn: string | null; total: number; byType: Partial<Record<FindingType, number>> }>();
  for (const row of rows) {
    const entry = counts.get(row.slug) ?? { slug: row.slug, name: row.name, nameEn: row.nameEn, total: 0, byType: {} };
    entry.total += Number(row.n);
    entry.byType[row.type] = Number(row.n);
    counts.set(row.slug, entry);
  }
  return [...counts.values()].sort((a, b) => b.total - a.total || a.slug.localeCompare(b.slug));
}

/** Where the evidence is: the public history of a disclosure, or the order itself. */
export function evidenceLink(finding: Finding) {
  return finding.entityType === "fee_disclosure" ? `/fees/${finding.entityId}` : `/committee/orders/${finding.entityId}`;
}
