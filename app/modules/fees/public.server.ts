import { isUuid } from "~/ui/ids";
import { sql, type SQL } from "drizzle-orm";
import type { z } from "zod";
import { rowsOf, type Tx } from "../../../db/client.server";
import { shanghaiDate } from "~/ui/format";
import { anyString, cursorTime, decodeCursor, encodeCursor, isTimestamp } from "~/ui/keyset.server";
import type { publicFeeFilterSchema } from "./schemas";

// What the public sees without logging in: published disclosures only (RLS: fee_disclosures_public_read).

type Filter = z.infer<typeof publicFeeFilterSchema>;

export interface PublicDisclosure {
  id: string;
  organizationSlug: string;
  organizationName: string;
  organizationNameEn: string | null;
  certificateId: string;
  certificateCode: string;
  certificateNameZh: string;
  certificateNameEn: string;
  level: "junior" | "intermediate" | "senior";
  kind: "training" | "assessment" | "teacher_training";
  amountFen: number;
  unit: "per_person" | "per_person_time" | "per_session";
  includes: string;
  contact: string;
  changeReason: string;
  effectiveFrom: string;
  effectiveUntil: string | null;
  publishedAt: string;
  supersedesId: string | null;
  withdrawnFrom: string | null;
  status: "published" | "superseded" | "withdrawn";
}

const select = sql`
  d.id, t.slug as "organizationSlug", t.name as "organizationName", t.name_en as "organizationNameEn",
  c.id as "certificateId", c.code as "certificateCode", c.name_zh as "certificateNameZh", c.name_en as "certificateNameEn",
  d.level, d.kind, d.amount_fen as "amountFen", d.unit, d.includes, d.contact, d.change_reason as "changeReason",
  to_char(d.effective_from, 'YYYY-MM-DD') as "effectiveFrom", to_char(d.effective_until, 'YYYY-MM-DD') as "effectiveUntil",
  d.published_at as "publishedAt", d.supersedes_id as "supersedesId",
  to_char(w.effective_from, 'YYYY-MM-DD') as "withdrawnFrom",
  case when w.id is not null then 'withdrawn'
       when exists (select 1 from fee_disclosures n where n.tenant_id = d.tenant_id and n.supersedes_id = d.id and n.status = 'published') then 'superseded'
       else 'published' end as status`;

const from = sql`
  fee_disclosures d
  join certificates c on c.tenant_id = d.tenant_id and c.id = d.certificate_id
  join tenants t on t.id = d.tenant_id
  left join fee_disclosure_withdrawals w on w.tenant_id = d.tenant_id and w.disclosure_id = d.id`;

function filters(filter: Filter): SQL {
  const parts: SQL[] = [sql`d.status = 'published'`];
  if (filter.organization) parts.push(sql`t.slug = ${filter.organization}`);
  if (filter.certificate) parts.push(sql`lower(c.code) = lower(${filter.certificate})`);
  if (filter.level) parts.push(sql`d.level = ${filter.level}::certificate_level`);
  if (filter.kind) parts.push(sql`d.kind = ${filter.kind}::fee_kind`);
  return sql.join(parts, sql` and `);
}

function normalise(row: PublicDisclosure): PublicDisclosure {
  return { ...row, amountFen: Number(row.amountFen), publishedAt: new Date(row.publishedAt).toISOString() };
}

/** Fees in force on a day (one per organization, certificate, level and kind), keyset-paginated. */
export async function feesInForce(tx: Tx, filter: Filter, pageSize = 100) {
  const asOf = filter.asOf ?? shanghaiDate();
  const after = decodeCursor(filter.cursor, [anyString, anyString, anyString, anyString]);
  const rows = rowsOf<PublicDisclosure>(
    await tx.execute(sql`
      select * from (
        select distinct on (d.tenant_id, d.certificate_id, d.level, d.kind) ${select}, d.tenant_id
        from ${from}
        where ${filters(filter)} and d.effective_from <= ${asOf}::date
        order by d.tenant_id, d.certificate_id, d.level, d.kind, d.effective_from desc
      ) f
      where ("effectiveUntil" is null or "effectiveUntil" > ${asOf}) and ("withdrawnFrom" is null or "withdrawnFrom" > ${asOf})
        ${after ? sql`and ("organizationSlug", "certificateCode", level::text, kind::text) > (${after[0]}, ${after[1]}, ${after[2]}, ${after[3]})` : sql``}
      order by "organizationSlug", "certificateCode", level::text, kind::text
      limit ${pageSize + 1}`),
  ).map(normalise);
  const more = rows.length > pageSize;
  const page = more ? rows.slice(0, pageSize) : rows;
  const last = page[page.length - 1];
  return { asOf, rows: page, nextCursor: more ? encodeCursor([last.organizationSlug, last.certificateCode, last.level, last.kind]) : null };
}

/** Announced fees that take effect after the day: what the notice period is for. */
export async function upcomingFees(tx: Tx, filter: Filter, limit = 200) {
  const asOf = filter.asOf ?? shanghaiDate();
  return rowsOf<PublicDisclosure>(
    await tx.execute(sql`
      select ${select} from ${from}
      where ${filters(filter)} and d.effective_from > ${asOf}::date and w.id is null
      order by d.effective_from, t.slug, c.code limit ${limit}`),
  ).map(normalise);
}

/** Every published disclosure, newest publication first (the API and the CSV). */
export async function publishedDisclosures(tx: Tx, filter: Filter, pageSize = 100) {
  const after = decodeCursor(filter.cursor, [isTimestamp, isUuid]);
  const rows = rowsOf<PublicDisclosure & { cursorAt?: string }>(
    await tx.execute(sql`
      select ${select}, ${cursorTime(sql.raw("d.published_at"))} as "cursorAt" from ${from}
      where ${filters(filter)}
        ${filter.asOf ? sql`and d.effective_from <= ${filter.asOf}::date and (d.effective_until is null or d.effective_until > ${filter.asOf}::date)` : sql``}
        ${after ? sql`and (d.published_at, d.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql``}
      order by d.published_at desc, d.id desc
      limit ${pageSize + 1}`),
  );
  const more = rows.length > pageSize;
  const page = more ? rows.slice(0, pageSize) : rows;
  const last = page[page.length - 1];
  return { rows: page.map(({ cursorAt: _, ...row }) => normalise(row)), nextCursor: more ? encodeCursor([last.cursorAt!, last.id]) : null };
}

/** The history of one fee: every published disclosure of the same organization, certificate, level and kind. */
export async function feeHistory(tx: Tx, id: string) {
  if (!isUuid(id)) return null;
  const rows = rowsOf<PublicDisclosure>(
    await tx.execute(sql`
      select ${select} from ${from}
      join fee_disclosures k on k.id = ${id}::uuid and k.status = 'published'
        and k.tenant_id = d.tenant_id and k.certificate_id = d.certificate_id and k.level = d.level and k.kind = d.kind
      where d.status = 'published'
      order by d.effective_from desc, d.published_at desc`),
  ).map(normalise);
  return rows.length ? rows : null;
}

/** Organizations and certificates with published fees, for the filters. */
export async function publicFeeFacets(tx: Tx) {
  const organizations = rowsOf<{ slug: string; name: string; nameEn: string | null }>(
    await tx.execute(sql`select distinct t.slug, t.name, t.name_en as "nameEn" from fee_disclosures d join tenants t on t.id = d.tenant_id
      where d.status = 'published' order by t.slug`),
  );
  const certificates = rowsOf<{ code: string; nameZh: string; nameEn: string }>(
    await tx.execute(sql`select distinct c.code, c.name_zh as "nameZh", c.name_en as "nameEn" from fee_disclosures d
      join certificates c on c.tenant_id = d.tenant_id and c.id = d.certificate_id where d.status = 'published' order by c.code`),
  );
  return { organizations, certificates };
}
