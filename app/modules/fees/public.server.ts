import { isUuid } from "~/ui/ids";
import { sql, type SQL } from "drizzle-orm";
import type { z } from "zod";
import { rowsOf, type Tx } from "../../../db/client.server";
import { shanghaiDate } from "~/ui/format";
import { anyString, cursorTime, decodeCursor, encodeCursor, isTimestamp } from "~/ui/keyset.server";
import type { Locale } from "~/i18n/i18n";
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

// What `select` reads about disclosure `d`.
const details = sql`
  join certificates c on c.tenant_id = d.tenant_id and c.id = d.certificate_id
  join tenants t on t.id = d.tenant_id
  left join fee_disclosure_withdrawals w on w.tenant_id = d.tenant_id and w.disclosure_id = d.id`;

const from = sql`fee_disclosures d ${details}`;

// The details of a page's rows (`page p`: tenant_id, id), each read by its key: the limit keeps the
// planner from joining every disclosure by hash instead.
const pageRows = sql`
  page p
  cross join lateral (select * from fee_disclosures x where x.tenant_id = p.tenant_id and x.id = p.id limit 1) d`;
const pageDetails = sql`${pageRows} ${details}`;

/** A row of the public list (/fees): what its table shows, named in the reader's language. */
export interface PublicFeeRow {
  id: string;
  organizationSlug: string;
  organization: string;
  certificateCode: string;
  certificate: string;
  level: PublicDisclosure["level"];
  kind: PublicDisclosure["kind"];
  amountFen: number;
  unit: PublicDisclosure["unit"];
  effectiveFrom: string;
  effectiveUntil: string | null;
  /** The committee suspended the organization: the list marks its rows (decision 055). */
  organizationSuspended: boolean;
}

// The list reads only what it shows: at 100 rows a page the texts it does not show (what a fee
// includes, the contact, the reason of a change) and each row's status doubled what the page cost to
// serialize and parse, and the status probed every row's successors (PERFORMANCE.md).
function listSelect(locale: Locale): SQL {
  return sql`d.id, t.slug as "organizationSlug", ${organizationName(locale)} as organization,
    c.code as "certificateCode", ${certificateName(locale)} as certificate,
    d.level, d.kind, d.amount_fen as "amountFen", d.unit,
    to_char(d.effective_from, 'YYYY-MM-DD') as "effectiveFrom", to_char(d.effective_until, 'YYYY-MM-DD') as "effectiveUntil",
    t.admission = 'suspended' as "organizationSuspended"`;
}

// What `listSelect` reads about the page's rows.
const listPageDetails = sql`${pageRows}
  join certificates c on c.tenant_id = d.tenant_id and c.id = d.certificate_id
  join tenants t on t.id = d.tenant_id`;

/** Organization `t`'s and certificate `c`'s names in the reader's language. */
const organizationName = (locale: Locale) => (locale === "en" ? sql`coalesce(t.name_en, t.name)` : sql`t.name`);
const certificateName = (locale: Locale) => (locale === "en" ? sql`c.name_en` : sql`c.name_zh`);

function listRow(row: PublicFeeRow): PublicFeeRow {
  return { ...row, amountFen: Number(row.amountFen), organizationSuspended: row.organizationSuspended === true };
}

function normalise(row: PublicDisclosure): PublicDisclosure {
  return { ...row, amountFen: Number(row.amountFen), publishedAt: new Date(row.publishedAt).toISOString() };
}

// The public lists span every organization, but no index may lead with anything but tenant_id (the
// catalog test; the Citus layout). So each list walks the organizations and reads each one through its
// own index range, keeping only the few rows the page can use, and joins the details for the page's
// rows alone: the cost follows the page size, not the 50,000 disclosures. Fee disclosures belong to
// organizations (only they hold the fee permissions), so schools are not walked.

function organizations(filter: Filter): SQL {
  return sql`select t.id as tenant_id, t.slug from tenants t
    where t.kind = 'organization' ${filter.organization ? sql`and t.slug = ${filter.organization}` : sql``}`;
}

/** The conditions on organization `o`'s disclosure `k` that do not depend on the page. */
function disclosureFilters(filter: Filter): SQL {
  const parts: SQL[] = [sql`k.tenant_id = o.tenant_id`, sql`k.status = 'published'`];
  if (filter.level) parts.push(sql`k.level = ${filter.level}::certificate_level`);
  if (filter.kind) parts.push(sql`k.kind = ${filter.kind}::fee_kind`);
  return sql.join(parts, sql` and `);
}

/** The certificate filter on organization `o`'s disclosure `k`, through the (tenant_id, lower(code)) key. */
function certificateFilter(filter: Filter): SQL {
  return filter.certificate
    ? sql`and k.certificate_id in (select c.id from certificates c where c.tenant_id = o.tenant_id and lower(c.code) = lower(${filter.certificate}))`
    : sql``;
}

/** Fees in force on a day (one per organization, certificate, level and kind), keyset-paginated. */
export async function feesInForce(tx: Tx, filter: Filter, locale: Locale, pageSize = 100) {
  const asOf = filter.asOf ?? shanghaiDate();
  const after = decodeCursor(filter.cursor, [anyString, anyString, anyString, anyString]);
  // Organizations in slug order, each one's fees in force sorted on their own (an incremental sort):
  // the executor stops after the organizations that fill the page.
  const rows = rowsOf<PublicFeeRow>(
    await tx.execute(sql`
      with page as (
        select o.slug, i.tenant_id, i.id, i.code, i.level, i.kind from (${organizations(filter)}) o
        cross join lateral (
          select * from (
            -- The code through the certificate's key, per row (a join may read every certificate); no
            -- code: a certificate the reader cannot see.
            select f.tenant_id, f.id, f.level, f.kind,
              (select c.code from certificates c where c.tenant_id = f.tenant_id and c.id = f.certificate_id) as code
            from (
              -- The latest disclosure in effect by the day for each key, then whether it still applies.
              select distinct on (k.certificate_id, k.level, k.kind) k.tenant_id, k.id, k.certificate_id, k.level, k.kind, k.effective_until
              from fee_disclosures k
              where ${disclosureFilters(filter)} ${certificateFilter(filter)} and k.effective_from <= ${asOf}::date
              order by k.certificate_id desc, k.level desc, k.kind desc, k.effective_from desc
            ) f
            where (f.effective_until is null or f.effective_until > ${asOf}::date)
              and not exists (select 1 from fee_disclosure_withdrawals w where w.tenant_id = f.tenant_id and w.disclosure_id = f.id and w.effective_from <= ${asOf}::date)
          ) f
          where f.code is not null
        ) i
        ${after ? sql`where o.slug >= ${after[0]} and (o.slug, i.code, i.level::text, i.kind::text) > (${after[0]}, ${after[1]}, ${after[2]}, ${after[3]})` : sql``}
        order by o.slug, i.code, i.level::text, i.kind::text
        limit ${pageSize + 1}
      )
      select ${listSelect(locale)} from ${listPageDetails}
      order by p.slug, p.code, p.level::text, p.kind::text`),
  );
  const more = rows.length > pageSize;
  const page = more ? rows.slice(0, pageSize) : rows;
  const last = page[page.length - 1];
  return {
    asOf,
    rows: page.map(listRow),
    nextCursor: more ? encodeCursor([last.organizationSlug, last.certificateCode, last.level, last.kind]) : null,
  };
}

/** Announced fees that take effect after the day: what the notice period is for. */
export async function upcomingFees(tx: Tx, filter: Filter, locale: Locale, limit = 200) {
  const asOf = filter.asOf ?? shanghaiDate();
  // Each organization's first `limit` upcoming fees (few: announced within the notice period), merged.
  // Level and kind break the ties the day, organization and certificate leave.
  return rowsOf<PublicFeeRow>(
    await tx.execute(sql`
      with page as (
        select o.slug, u.tenant_id, u.id, u.effective_from, u.code, u.level, u.kind from (${organizations(filter)}) o
        cross join lateral (
          select k.tenant_id, k.id, k.effective_from, c.code, k.level, k.kind
          from fee_disclosures k
          join certificates c on c.tenant_id = k.tenant_id and c.id = k.certificate_id
          where ${disclosureFilters(filter)} ${certificateFilter(filter)} and k.effective_from > ${asOf}::date
            and not exists (select 1 from fee_disclosure_withdrawals w where w.tenant_id = k.tenant_id and w.disclosure_id = k.id)
          order by k.effective_from, c.code, k.level::text, k.kind::text
          limit ${limit}
        ) u
        order by u.effective_from, o.slug, u.code, u.level::text, u.kind::text
        limit ${limit}
      )
      select ${listSelect(locale)} from ${listPageDetails}
      order by p.effective_from, p.slug, p.code, p.level::text, p.kind::text`),
  ).map(listRow);
}

/** Every published disclosure, newest publication first (the API and the CSV). */
export async function publishedDisclosures(tx: Tx, filter: Filter, pageSize = 100) {
  const after = decodeCursor(filter.cursor, [isTimestamp, isUuid]);
  const size = pageSize + 1;
  // A disclosure whose certificate the reader cannot see (RLS: a withdrawn certificate) is not public:
  // each organization's rows are kept when their certificate is among `o.ids`, its visible
  // certificates. A filter, not a join: with a join the planner reads the disclosures by certificate
  // and sorts them, instead of stopping early in index order.
  const matches = sql.join(
    [
      disclosureFilters(filter),
      sql`array_position(o.ids, k.certificate_id) is not null`,
      ...(filter.asOf ? [sql`k.effective_from <= ${filter.asOf}::date and (k.effective_until is null or k.effective_until > ${filter.asOf}::date)`] : []),
      ...(after ? [sql`(k.published_at, k.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`] : []),
    ],
    sql` and `,
  );
  // Two short passes instead of every organization's newest `size` rows (size × 300 rows). First each
  // organization's newest few matching rows, enough for `size` in all: the size-th newest of those is a
  // bound, as the page's rows are at least as new as it. Then each organization's rows down to that
  // bound, merged. Without a bound (organizations with fewer rows than their share) the second pass
  // reads each one's newest `size`. Both read the (tenant_id, published_at, id) index backwards.
  const rows = rowsOf<PublicDisclosure & { cursorAt?: string }>(
    await tx.execute(sql`
      with o as materialized (
        select o.tenant_id, x.ids from (${organizations(filter)}) o
        cross join lateral (select array_agg(c.id) as ids from certificates c where c.tenant_id = o.tenant_id ${filter.certificate ? sql`and lower(c.code) = lower(${filter.certificate})` : sql``}) x
        where x.ids is not null
      ),
      heads as (
        select h.published_at, h.id from o
        cross join lateral (
          select k.published_at, k.id from fee_disclosures k where ${matches}
          order by k.published_at desc, k.id desc
          limit ceil(${size}::numeric / greatest((select count(*) from o), 1))::int
        ) h
        order by h.published_at desc, h.id desc
        offset ${size - 1} limit 1
      ),
      bound as (
        select published_at, id from heads
        union all select '-infinity', '00000000-0000-0000-0000-000000000000'
        order by published_at desc limit 1
      ),
      page as (
        select p.tenant_id, p.id from o
        cross join bound b
        cross join lateral (
          select k.tenant_id, k.id, k.published_at from fee_disclosures k
          where ${matches} and (k.published_at, k.id) >= (b.published_at, b.id)
          order by k.published_at desc, k.id desc
          limit ${size}
        ) p
        order by p.published_at desc, p.id desc
        limit ${size}
      )
      select ${select}, ${cursorTime(sql.raw("d.published_at"))} as "cursorAt" from ${pageDetails}
      order by d.published_at desc, d.id desc`),
  );
  const more = rows.length > pageSize;
  const page = more ? rows.slice(0, pageSize) : rows;
  const last = page[page.length - 1];
  return { rows: page.map(({ cursorAt: _, ...row }) => normalise(row)), nextCursor: more ? encodeCursor([last.cursorAt!, last.id]) : null };
}

/**
 * Every published disclosure matching `filter`, newest publication first, up to `max` rows: the CSV's
 * whole file in one statement (issue 18: 50 sequential pages of `publishedDisclosures` timed out on a
 * cache miss at scale). Each organization's rows are read through its own index range, as above.
 */
export async function allPublishedDisclosures(tx: Tx, filter: Filter, max: number): Promise<PublicDisclosure[]> {
  const matches = sql.join(
    [
      disclosureFilters(filter),
      sql`array_position(o.ids, k.certificate_id) is not null`,
      ...(filter.asOf ? [sql`k.effective_from <= ${filter.asOf}::date and (k.effective_until is null or k.effective_until > ${filter.asOf}::date)`] : []),
    ],
    sql` and `,
  );
  const rows = rowsOf<PublicDisclosure>(
    await tx.execute(sql`
      with o as materialized (
        select o.tenant_id, x.ids from (${organizations(filter)}) o
        cross join lateral (select array_agg(c.id) as ids from certificates c where c.tenant_id = o.tenant_id ${filter.certificate ? sql`and lower(c.code) = lower(${filter.certificate})` : sql``}) x
        where x.ids is not null
      )
      select ${select} from o
      cross join lateral (select k.* from fee_disclosures k where ${matches}) d
      ${details}
      order by d.published_at desc, d.id desc
      limit ${max}`),
  );
  return rows.map(normalise);
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

/** Organizations and certificates with published fees, for the filters, named in the reader's language. */
export async function publicFeeFacets(tx: Tx, locale: Locale, organization?: string) {
  // Semi-joins probing each organization's (each certificate's) disclosures by index, instead of a
  // distinct over every disclosure. Certificates are listed for one organization only: across all of
  // them the list runs to thousands (the page then takes a certificate code instead). Only
  // organizations disclose fees: schools (three in four tenants) are not probed.
  const [organizations, certificates] = await Promise.all([
    tx.execute(sql`select t.slug, ${organizationName(locale)} as name from tenants t
      where t.kind = 'organization' and exists (select 1 from fee_disclosures d where d.tenant_id = t.id and d.status = 'published')
      order by t.slug`),
    organization
      ? tx.execute(sql`select c.code, ${certificateName(locale)} as name from tenants t
          join certificates c on c.tenant_id = t.id
          where t.slug = ${organization}
            and exists (select 1 from fee_disclosures d where d.tenant_id = c.tenant_id and d.certificate_id = c.id and d.status = 'published')
          order by c.code`)
      : null,
  ]);
  return {
    organizations: rowsOf<{ slug: string; name: string }>(organizations),
    certificates: certificates ? rowsOf<{ code: string; name: string }>(certificates) : null,
  };
}
