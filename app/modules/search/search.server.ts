import { and, sql, type SQL } from "drizzle-orm";
import { rowsOf, type Tx } from "../../../db/client.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import { searchKinds, type SearchFilter, type SearchKind } from "./schemas";
import { isUuid } from "~/ui/ids";
import { likePattern } from "~/ui/like";
import { questionConditions, questionSource, readablePools } from "~/modules/questions/service.server";
import { cursorTime, decodeCursor, encodeCursor, isTimestamp } from "~/ui/keyset.server";

// One search box over the workspace's certificates, skill standards, materials, cases and questions:
// substring matches (ILIKE '%…%' on the organization's rows, read through their tenant_id indexes: under
// row-level security ILIKE is not leakproof, so the trigram indexes do not serve it directly; question
// stems, the bank that grows to hundreds of thousands, take their candidates from the trigram index
// through questionSource), newest first, keyset pages.

export interface SearchHit {
  kind: SearchKind;
  id: string;
  title: string;
  detail: string | null;
  certificateId: string;
  certificateCode: string;
  level: string | null;
  updatedAt: string;
}

const searchPageSize = 30;

export async function searchWorkspace(tx: Tx, ctx: TenantContext, filter: SearchFilter, limit = searchPageSize) {
  const q = filter.q?.trim();
  if (!q) return { hits: [] as SearchHit[], nextCursor: null };
  const tenant = ctx.tenant.id;
  const pattern = likePattern(q);
  const certificate = filter.certificate && isUuid(filter.certificate) ? filter.certificate : null;
  const since = filter.updatedSince ? sql`(${filter.updatedSince}::date)::timestamp at time zone 'Asia/Shanghai'` : null;
  // Question-only filters leave the other kinds out when set.
  const questionOnly = Boolean(filter.type || filter.difficulty || filter.pool);
  const want = (kind: SearchKind) => (!filter.kind || filter.kind === kind) && (kind === "question" || !questionOnly);
  const common = (alias: string, levelColumn: string | null, updated: string): SQL =>
    sql.join(
      [
        sql.raw(`${alias}.tenant_id = `),
        sql`${tenant}::uuid`,
        certificate ? sql` and ${sql.raw(`${alias}.certificate_id`)} = ${certificate}::uuid` : sql``,
        filter.level && levelColumn ? sql` and ${sql.raw(levelColumn)} = ${filter.level}::certificate_level` : sql``,
        since ? sql` and ${sql.raw(updated)} >= ${since}` : sql``,
      ],
      sql``,
    );
  const requirement = filter.requirement && isUuid(filter.requirement) ? filter.requirement : null;
  // A standard's items are named in the reader's language (Chinese when no English title was written).
  const en = ctx.locale === "en";
  const titleInLocale = en ? sql.raw("coalesce(nullif(n.title_en, ''), n.title_zh)") : sql.raw("n.title_zh");
  const titleInOther = en ? sql.raw("case when nullif(n.title_en, '') is null then null else n.title_zh end") : sql.raw("nullif(n.title_en, '')");
  const parts: SQL[] = [];
  if (want("certificate") && !filter.level && !requirement)
    parts.push(sql`select 'certificate' as kind, c.id, ${sql.raw(en ? "c.name_en" : "c.name_zh")} as title, c.code as detail, c.id as certificate_id, c.code as certificate_code, null::text as level, c.updated_at
      from certificates c where ${sql.join([sql.raw("c.tenant_id = "), sql`${tenant}::uuid`, certificate ? sql` and c.id = ${certificate}::uuid` : sql``, since ? sql` and c.updated_at >= ${since}` : sql``], sql``)}
        and (c.name_zh ilike ${pattern} or c.name_en ilike ${pattern} or c.code ilike ${pattern})`);
  if (want("standard") && !requirement)
    parts.push(sql`select 'standard', n.id, n.code || ' ' || ${titleInLocale}, ${titleInOther}, v.certificate_id, c.code, n.level::text, coalesce(v.published_at, v.created_at)
      from standard_nodes n
      join standard_versions v on v.tenant_id = n.tenant_id and v.id = n.version_id
      join certificates c on c.tenant_id = v.tenant_id and c.id = v.certificate_id
      where ${common("v", "n.level", "coalesce(v.published_at, v.created_at)")} and n.tenant_id = ${tenant}::uuid
        and v.version = (select max(v2.version) from standard_versions v2 where v2.tenant_id = v.tenant_id and v2.certificate_id = v.certificate_id)
        and (n.title_zh ilike ${pattern} or n.title_en ilike ${pattern})`);
  if (want("material") && !filter.level)
    parts.push(sql`select 'material', m.id, m.title, nullif(m.publisher, ''), m.certificate_id, c.code, null::text, m.updated_at
      from materials m join certificates c on c.tenant_id = m.tenant_id and c.id = m.certificate_id
      where ${common("m", null, "m.updated_at")} and m.title ilike ${pattern}
        ${requirement ? sql`and m.requirement_ids @> array[${requirement}]::uuid[]` : sql``}`);
  if (want("case"))
    parts.push(sql`select 'case', k.id, k.title, nullif(k.industry_context, ''), k.certificate_id, c.code, k.level::text, k.updated_at
      from cases k join certificates c on c.tenant_id = k.tenant_id and c.id = k.certificate_id
      where ${common("k", "k.level", "k.updated_at")} and (k.title ilike ${pattern} or k.body ilike ${pattern})
        ${requirement ? sql`and k.requirement_ids @> array[${requirement}]::uuid[]` : sql``}`);
  if (want("question"))
    parts.push(sql`select 'question', questions.id, questions.stem, questions.type::text, questions.certificate_id, c.code, questions.level::text, questions.updated_at
      from ${questionSource(tenant, q)} join certificates c on c.tenant_id = questions.tenant_id and c.id = questions.certificate_id
      where questions.tenant_id = ${tenant}::uuid and ${and(readablePools(ctx), ...questionConditions(filter))}`);
  if (!parts.length) return { hits: [] as SearchHit[], nextCursor: null };
  const after = decodeCursor(filter.cursor, [isTimestamp, (kind) => (searchKinds as readonly string[]).includes(kind), isUuid]);
  const rows = rowsOf<{
    kind: SearchKind;
    id: string;
    title: string;
    detail: string | null;
    certificate_id: string;
    certificate_code: string;
    level: string | null;
    updated_at: string;
    cursor_at: string;
  }>(
    await tx.execute(sql`
      select *, ${cursorTime(sql.raw("updated_at"))} as cursor_at
      from (${sql.join(parts, sql` union all `)}) as hit(kind, id, title, detail, certificate_id, certificate_code, level, updated_at)
      ${after ? sql`where (updated_at, kind, id) < (${after[0]}::timestamptz, ${after[1]}, ${after[2]}::uuid)` : sql``}
      order by updated_at desc, kind desc, id desc
      limit ${limit + 1}`),
  );
  const more = rows.length > limit;
  const page = (more ? rows.slice(0, limit) : rows).map((r): SearchHit => ({
    kind: r.kind,
    id: r.id,
    title: r.title,
    detail: r.detail,
    certificateId: r.certificate_id,
    certificateCode: r.certificate_code,
    level: r.level,
    updatedAt: new Date(r.updated_at).toISOString(),
  }));
  const last = rows[page.length - 1];
  return { hits: page, nextCursor: more ? encodeCursor([last.cursor_at, last.kind, last.id]) : null };
}

/** Where a hit opens in the workspace. */
export function hitPath(slug: string, hit: Pick<SearchHit, "kind" | "id" | "certificateId">) {
  switch (hit.kind) {
    case "certificate":
      return `/w/${slug}/certificates/${hit.id}`;
    case "standard":
      return `/w/${slug}/certificates/${hit.certificateId}/standards`;
    case "material":
      return `/w/${slug}/materials/${hit.id}`;
    case "case":
      return `/w/${slug}/cases/${hit.id}`;
    default:
      return `/w/${slug}/questions/${hit.id}`;
  }
}
