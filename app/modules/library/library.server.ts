import { createCookie } from "@remix-run/node";
import { and, asc, eq, inArray, or, sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../../db/client.server";
import { certificates, industries, standardVersions, tenants } from "../../../db/schema";
import type { Locale } from "~/i18n/i18n";
import { translator } from "~/i18n/i18n";
import { attachmentDownload } from "~/modules/materials/service.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import type { ExportColumn } from "~/ui/export.server";
import { formatDateTime } from "~/ui/format";
import { isUuid } from "~/ui/ids";
import { anyString, decodeCursor, encodeCursor, isTimestamp, keysetAfter } from "~/ui/keyset.server";
import { likePattern } from "~/ui/like";
import { isProduction } from "~/env.server";
import type { CatalogueFilter, LibraryFilter, LibraryKind } from "./schemas";

// The shared course library (§二.6): every organization's published standards, shared materials,
// shared cases and shared practice questions, read through the SECURITY DEFINER functions of
// migration 0025, which apply the shared/published/practice filter themselves (decision 033). The
// certificate catalogue is public and read under RLS (active certificates, published standards).

const libraryPageSize = 30;
const maxTerms = 8;

/** The search's terms: split on spaces (ASCII and ideographic), each one a substring that must match. */
export function searchTerms(q: string | undefined) {
  return [...new Set((q ?? "").split(/[\s\u3000]+/).filter(Boolean))].slice(0, maxTerms);
}

/**
 * The term the candidates are read for: the longest with a trigram to look up (decision 013), else the
 * longest of all, found through its characters and character pairs (`short`, decision 056).
 */
function driverTerm(terms: string[]): { term: string; short: boolean } | null {
  const longest = [...terms].sort((a, b) => b.length - a.length);
  const trigram = longest.find((term) => /[\p{L}\p{N}]{3}/u.test(term));
  if (trigram) return { term: trigram, short: false };
  return longest.length ? { term: longest[0], short: true } : null;
}

export interface LibraryRow {
  kind: LibraryKind;
  tenantId: string;
  id: string;
  certificateId: string;
  title: string;
  level: string | null;
  version: number | null;
  updatedAt: string;
  certificateCode: string;
  certificateNameZh: string;
  certificateNameEn: string;
  organizationName: string;
  organizationNameEn: string | null;
}

/** One page of the library for `filter`, newest first (keyset on the last update and the id). */
export async function searchLibrary(tx: Tx, filter: LibraryFilter, limit = libraryPageSize) {
  const terms = searchTerms(filter.q);
  const after = decodeCursor(filter.cursor, [isTimestamp, isUuid]);
  const patterns = terms.map(likePattern);
  const driver = driverTerm(terms);
  const since = filter.updatedSince ? sql`(${filter.updatedSince}::date)::timestamp at time zone 'Asia/Shanghai'` : sql`null::timestamptz`;
  const rows = rowsOf<LibraryRow & { cursor_at: string }>(
    await tx.execute(sql`
      select kind, tenant_id as "tenantId", id, certificate_id as "certificateId", title, level, version, updated_at as "updatedAt",
        certificate_code as "certificateCode", certificate_name_zh as "certificateNameZh", certificate_name_en as "certificateNameEn",
        organization_name as "organizationName", organization_name_en as "organizationNameEn",
        to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_at
      from library_items(
        ${
          patterns.length
            ? sql`array[${sql.join(
                patterns.map((p) => sql`${p}`),
                sql`, `,
              )}]::text[]`
            : sql`null::text[]`
        },
        ${driver ? likePattern(driver.term) : null}::text,
        ${filter.kind ? sql`array[${filter.kind}]::text[]` : sql`null::text[]`},
        ${filter.organization ?? null}::uuid, ${filter.industry ?? null}::text, ${filter.certificate ?? null}::uuid, ${filter.level ?? null}::text,
        ${since}, ${after ? after[0] : null}::timestamptz, ${after ? after[1] : null}::uuid, ${limit + 1}::int,
        ${driver?.short ? driver.term : null}::text)`),
  );
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return {
    rows: page.map(({ cursor_at: _, ...row }) => ({ ...row, updatedAt: new Date(row.updatedAt).toISOString() })),
    nextCursor: more ? encodeCursor([last.cursor_at, last.id]) : null,
  };
}

/**
 * The choices of the library's filters: organizations with active certificates, industry fields, and the
 * active certificates of the chosen organization (with the chosen certificate). Every certificate of the
 * country in one list (1,502 at SCALE=1) was most of a 450 KB page and of its rendering (decision 061).
 */
export async function libraryFilterOptions(tx: Tx, chosen: Pick<LibraryFilter, "organization" | "certificate"> = {}) {
  const ofOrganization = chosen.organization ? eq(certificates.tenantId, chosen.organization) : undefined;
  const theCertificate = chosen.certificate ? eq(certificates.id, chosen.certificate) : undefined;
  const [organizations, industryList, certificateList] = await Promise.all([
    tx
      .selectDistinct({ id: tenants.id, name: tenants.name, nameEn: tenants.nameEn })
      .from(tenants)
      .innerJoin(certificates, and(eq(certificates.tenantId, tenants.id), eq(certificates.status, "active")))
      .orderBy(asc(tenants.name), asc(tenants.id), asc(tenants.nameEn)),
    tx
      .select({ code: industries.code, nameZh: industries.nameZh, nameEn: industries.nameEn })
      .from(industries)
      .orderBy(asc(industries.sort), asc(industries.code)),
    ofOrganization || theCertificate
      ? tx
          .select({ id: certificates.id, code: certificates.code, nameZh: certificates.nameZh, nameEn: certificates.nameEn })
          .from(certificates)
          .where(and(eq(certificates.status, "active"), or(ofOrganization, theCertificate)))
          .orderBy(asc(certificates.code), asc(certificates.id))
      : Promise.resolve([] as { id: string; code: string; nameZh: string; nameEn: string }[]),
  ]);
  return { organizations, industries: industryList, certificates: certificateList };
}

interface ItemBase {
  id: string;
  title?: string;
  updatedAt: string;
  certificateId: string;
  certificateCode: string;
  certificateNameZh: string;
  certificateNameEn: string;
  certificateLevels: string[];
  organizationId: string;
  organizationName: string;
  organizationNameEn: string | null;
}
export type LibraryItem =
  | (ItemBase & {
      kind: "question";
      title: string;
      level: string;
      type: string;
      options: string[];
      answer: string;
      explanation: string;
      difficulty: number;
      version: number;
      publishedAt: string | null;
    })
  | (ItemBase & { kind: "case"; title: string; level: string; industryContext: string; body: string })
  | (ItemBase & {
      kind: "material";
      title: string;
      materialKind: string;
      isbn: string | null;
      publisher: string;
      schoolEditor: string;
      enterpriseEditor: string;
      levels: string[];
      description: string;
      attachments: { id: string; fileName: string; sizeBytes: number }[];
    })
  | (ItemBase & {
      kind: "standard";
      version: number;
      notes: string;
      publishedAt: string;
      nodes: {
        id: string;
        parentId: string | null;
        level: "junior" | "intermediate" | "senior";
        kind: "work_area" | "work_task" | "skill_requirement";
        code: string;
        titleZh: string;
        titleEn: string;
        description: string;
      }[];
    });

/** One library item with provenance, version and last update, or null when it is not in the library. */
export async function libraryItem(tx: Tx, kind: LibraryKind, tenantId: string, id: string): Promise<LibraryItem | null> {
  if (!isUuid(tenantId) || !isUuid(id)) return null;
  const [row] = rowsOf<{ item: LibraryItem | string | null }>(await tx.execute(sql`select library_item(${kind}, ${tenantId}::uuid, ${id}::uuid) as item`));
  const item = row?.item;
  if (!item) return null;
  return typeof item === "string" ? (JSON.parse(item) as LibraryItem) : item;
}

/** A shared material's attachment, as a download; 404 when the material is not in the library. */
export async function libraryAttachmentDownload(tx: Tx, tenantId: string, materialId: string, attachmentId: string) {
  if (![tenantId, materialId, attachmentId].every(isUuid)) throw new Response("Not found", { status: 404 });
  const [found] = rowsOf<{ file_name: string; content_type: string; sha256: string; storage_key: string }>(
    await tx.execute(sql`select * from library_attachment(${tenantId}::uuid, ${materialId}::uuid, ${attachmentId}::uuid)`),
  );
  if (!found) throw new Response("Not found", { status: 404 });
  return attachmentDownload({ fileName: found.file_name, contentType: found.content_type, sha256: found.sha256, storageKey: found.storage_key });
}

/** Where an item of the library lives. */
export function libraryItemPath(row: { kind: LibraryKind; tenantId: string; id: string }) {
  return `/library/${row.kind}/${row.tenantId}/${row.id}`;
}

/** The result list as the export writes it: the same rows as the page, up to `exportLimit`. */
const exportLimit = 10_000;
export async function libraryExportRows(tx: Tx, filter: LibraryFilter) {
  return (await searchLibrary(tx, { ...filter, cursor: undefined }, exportLimit)).rows;
}

export function libraryExportColumns(locale: Locale): ExportColumn<LibraryRow>[] {
  const t = translator(locale);
  const en = locale === "en";
  return [
    { header: t("library.kind"), value: (r) => t(`library.kinds.${r.kind}`) },
    { header: t("library.itemTitle"), value: (r) => (r.kind === "standard" ? (en ? r.certificateNameEn : r.certificateNameZh) : r.title) },
    { header: t("library.organization"), value: (r) => (en && r.organizationNameEn ? r.organizationNameEn : r.organizationName) },
    { header: t("library.certificate"), value: (r) => `${r.certificateCode} ${en ? r.certificateNameEn : r.certificateNameZh}` },
    { header: t("library.level"), value: (r) => (r.level ? t(`certificates.levelNames.${r.level}`) : "") },
    { header: t("library.version"), value: (r) => (r.version ? `v${r.version}` : "") },
    { header: t("library.updatedAt"), value: (r) => formatDateTime(r.updatedAt, locale) },
  ];
}

// The certificate catalogue (public): active certificates with levels, industry field, organization and
// the standard in force, by name; keyset on (name, id).
const cataloguePageSize = 50;

export async function certificateCatalogue(tx: Tx, filter: CatalogueFilter, limit = cataloguePageSize) {
  const after = decodeCursor(filter.cursor, [anyString, isUuid]);
  const order = [
    { expr: sql`${certificates.nameZh}`, dir: "asc" as const },
    { expr: sql`${certificates.id}`, dir: "asc" as const, cast: sql`uuid` },
  ];
  const q = filter.q?.trim();
  const rows = await tx
    .select({
      id: certificates.id,
      code: certificates.code,
      nameZh: certificates.nameZh,
      nameEn: certificates.nameEn,
      levels: certificates.levels,
      industryCode: certificates.industryCode,
      industryZh: industries.nameZh,
      industryEn: industries.nameEn,
      organizationName: tenants.name,
      organizationNameEn: tenants.nameEn,
      // The catalogue marks a suspended organization's certificates (decision 055).
      organizationSuspended: sql<boolean>`${tenants.admission} = 'suspended'`,
      standardVersion: standardVersions.version,
      standardPublishedAt: standardVersions.publishedAt,
    })
    .from(certificates)
    .innerJoin(tenants, eq(tenants.id, certificates.tenantId))
    .innerJoin(industries, eq(industries.code, certificates.industryCode))
    .leftJoin(
      standardVersions,
      and(eq(standardVersions.tenantId, certificates.tenantId), eq(standardVersions.certificateId, certificates.id), eq(standardVersions.status, "published")),
    )
    .where(
      and(
        eq(certificates.status, "active"),
        // A pending (or refused) organization appears nowhere public (§二.2, decision 042); a suspended one is marked.
        inArray(tenants.admission, ["admitted", "suspended"]),
        filter.industry ? eq(certificates.industryCode, filter.industry) : undefined,
        q
          ? sql`(${certificates.nameZh} ilike ${likePattern(q)} or ${certificates.nameEn} ilike ${likePattern(q)} or ${certificates.code} ilike ${likePattern(q)})`
          : undefined,
        after ? keysetAfter(order, after) : undefined,
      ),
    )
    .orderBy(asc(certificates.nameZh), asc(certificates.id))
    .limit(limit + 1);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return { rows: page, nextCursor: more ? encodeCursor([last.nameZh, last.id]) : null };
}

export function catalogueIndustries(tx: Tx) {
  return tx
    .select({ code: industries.code, nameZh: industries.nameZh, nameEn: industries.nameEn })
    .from(industries)
    .orderBy(asc(industries.sort), asc(industries.code));
}

export function catalogueExportColumns(locale: Locale): ExportColumn<Awaited<ReturnType<typeof certificateCatalogue>>["rows"][number]>[] {
  const t = translator(locale);
  const en = locale === "en";
  return [
    { header: t("library.catalogue.code"), value: (r) => r.code },
    { header: t("library.catalogue.name"), value: (r) => (en ? r.nameEn : r.nameZh) },
    { header: t("library.catalogue.levels"), value: (r) => r.levels.map((l) => t(`certificates.levelNames.${l}`)).join(" / ") },
    { header: t("library.catalogue.industry"), value: (r) => (en ? r.industryEn : r.industryZh) },
    { header: t("library.organization"), value: (r) => (en && r.organizationNameEn ? r.organizationNameEn : r.organizationName) },
    { header: t("library.catalogue.standard"), value: (r) => (r.standardVersion ? `v${r.standardVersion}` : "") },
  ];
}

/** Whether the user's library scope may propose adopting a certificate level (a school member). */
export function canProposeAdoption(ctx: TenantContext) {
  return ctx.tenant.kind === "school";
}

/** The school (or other membership) a user of several chose as the library's scope: a slug in a cookie. */
export function libraryScopeCookie() {
  return createCookie("xcert_library_scope", { path: "/library", httpOnly: true, sameSite: "lax", secure: isProduction(), maxAge: 60 * 60 * 24 * 365 });
}

export async function readLibraryScope(request: Request): Promise<string | undefined> {
  const value = await libraryScopeCookie().parse(request.headers.get("cookie"));
  return typeof value === "string" && /^[a-z0-9-]{1,80}$/.test(value) ? value : undefined;
}

/**
 * The schools' adoption proposal for a certificate level (built by the schools work, issue 15 item 3):
 * one place for its address, so the library's links follow it.
 */
export function adoptionProposalPath(schoolSlug: string, certificateId: string, level?: string | null) {
  const query = new URLSearchParams({ certificateId, ...(level ? { level } : {}) });
  return `/w/${schoolSlug}/adoptions/new?${query}`;
}
