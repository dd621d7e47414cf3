import { redirect } from "@remix-run/node";
import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { rowsOf, type Tx } from "../../../db/client.server";
import { certificates, credentialHolders, credentials, tenants } from "../../../db/schema";
import { levels as certificateLevels } from "~/modules/certificates/schemas";
import type { BankImport, Job } from "~/modules/imports/bank-import";
import { createImportJob, listImportJobs, maxImportBytes, progressOf, startImportJob } from "~/modules/imports/jobs.server";
import { labelIn, sheetHeader, valueIn, type RowContext, type RowResult, type Sheet, type SheetRow } from "~/modules/imports/sheet";
import { withTenant, type TenantContext } from "~/modules/tenancy/context.server";
import { exportResponse, type ExportFormat } from "~/ui/export.server";
import { fileImportSchema } from "~/modules/imports/schemas";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { stripControlChars } from "~/ui/schema-fields";
import { zodErrorMap } from "~/ui/zod-errors";
import { hashIdNumber } from "./keys.server";
import { credentialFields } from "./schemas";
import { formatCredentialNumber } from "./number";

// Holders and their credentials through the one import pipeline (kind `credentials`, decision 054):
// one row per credential, the holder's cells repeated for a second credential of the same person. The
// ID is hashed while the row is validated, so neither the staged rows nor the job ever hold it in clear.

export const credentialColumns = [
  { key: "name", zh: "姓名", en: "Name" },
  { key: "idNumber", zh: "证件号码", en: "ID number" },
  { key: "source", zh: "来源", en: "Source" },
  { key: "employerName", zh: "工作单位", en: "Employer" },
  { key: "contact", zh: "联系方式", en: "Contact" },
  { key: "role", zh: "角色", en: "Role" },
  { key: "certificateCode", zh: "证书代码", en: "Certificate code" },
  { key: "levels", zh: "等级", en: "Levels" },
  { key: "issuedOn", zh: "发证日期", en: "Issued on" },
  { key: "expiresOn", zh: "有效期至", en: "Expires on" },
  { key: "status", zh: "状态", en: "Status" },
] as const;

export const credentialSheet: Sheet = {
  columns: credentialColumns,
  required: ["name", "idNumber", "source", "role", "certificateCode", "levels", "issuedOn", "expiresOn"],
};

const labels = {
  source: { school_teacher: ["学校教师", "教师"], industry_expert: ["行业企业专家", "企业专家", "行业专家"] },
  role: { trainer: ["培训师"], examiner: ["考评员"] },
  levels: { junior: ["初级"], intermediate: ["中级"], senior: ["高级"] },
  status: { active: ["有效"], draft: ["草稿"], suspended: ["暂停"], revoked: ["撤销"], expired: ["过期"] },
};

const rowSchema = credentialFields
  .omit({ certificateId: true, draft: true, employerTenantId: true })
  .extend({ certificateCode: z.string().max(40), importStatus: z.enum(["active", "draft"]).optional() });

/** What a staged row holds: no ID number, its hash and last 4 instead. */
export interface StagedCredential {
  name: string;
  idHash: string;
  idLast4: string;
  source: "school_teacher" | "industry_expert";
  employerName: string;
  contact: string;
  role: "trainer" | "examiner";
  certificateId: string;
  levels: string[];
  issuedOn: string;
  expiresOn: string;
  status: "active" | "draft";
}

type CertificateLookup = Record<string, { id: string; levels: string[] }>;

const fieldColumn: Record<string, string> = { importStatus: "status" };

/** One row → a credential of a holder, or the row's errors by column. */
export function parseCredentialRow(row: SheetRow, rowNumber: number, context: RowContext): RowResult<StagedCredential> {
  const header = (key: string) => sheetHeader(credentialSheet, key, context.locale);
  const t = context.t;
  const levelCells = (row.levels ?? "")
    .split(/[,，、;；/\s]+/)
    .filter(Boolean)
    .map((cell) => valueIn(labels, "levels", cell));
  const parsed = rowSchema.safeParse(
    {
      name: row.name || undefined,
      idNumber: row.idNumber || undefined,
      source: valueIn(labels, "source", row.source),
      employerName: row.employerName ?? "",
      contact: row.contact ?? "",
      role: valueIn(labels, "role", row.role),
      certificateCode: (row.certificateCode ?? "").trim(),
      levels: levelCells,
      issuedOn: (row.issuedOn ?? "").trim() || undefined,
      expiresOn: (row.expiresOn ?? "").trim() || undefined,
      importStatus: valueIn(labels, "status", row.status),
    },
    { error: zodErrorMap(t) },
  );
  const errors = parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({
        row: rowNumber,
        column: header(fieldColumn[String(issue.path[0])] ?? String(issue.path[0])),
        message: issue.message,
      }));
  const lookup = (context.lookups?.certificates ?? {}) as CertificateLookup;
  const certificate = lookup[(row.certificateCode ?? "").trim().toUpperCase()];
  if (!certificate && !errors.some((e) => e.column === header("certificateCode")))
    errors.push({
      row: rowNumber,
      column: header("certificateCode"),
      message: t("credentials.import.unknownCertificate", { code: (row.certificateCode ?? "").trim() }),
    });
  if (!parsed.success || !certificate) return { ok: false, errors };
  const value = parsed.data;
  if (value.levels.some((level) => !certificate.levels.includes(level)))
    errors.push({ row: rowNumber, column: header("levels"), message: t("errors.levelNotOffered") });
  if (value.expiresOn <= value.issuedOn) errors.push({ row: rowNumber, column: header("expiresOn"), message: t("credentials.errors.expiresBeforeIssued") });
  if (!value.employerName) errors.push({ row: rowNumber, column: header("employerName"), message: t("credentials.errors.employerNeeded") });
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      name: value.name,
      idHash: hashIdNumber(value.idNumber),
      idLast4: value.idNumber.slice(-4),
      source: value.source,
      employerName: value.employerName,
      contact: value.contact,
      role: value.role,
      certificateId: certificate.id,
      levels: [...new Set(value.levels)],
      issuedOn: value.issuedOn,
      expiresOn: value.expiresOn,
      status: value.importStatus ?? "active",
    },
  };
}

/** The organization's certificates by code (upper case), read once per job. */
async function certificateLookups(tx: Tx, tenantId: string) {
  const rows = await tx
    .select({ id: certificates.id, code: certificates.code, levels: certificates.levels })
    .from(certificates)
    .where(eq(certificates.tenantId, tenantId));
  return { certificates: Object.fromEntries(rows.map((r) => [r.code.toUpperCase(), { id: r.id, levels: r.levels }])) satisfies CertificateLookup };
}

const chunk = 1000;

/**
 * Moves the staged rows in the pipeline's one final transaction: holders by ID hash (an existing holder
 * is updated: name, source, employer, contact), then one credential per row with a new number, each
 * audited (`credential_holder.create|update`, `credential.create`). Returns the credentials created.
 */
export async function moveCredentials(tx: Tx, job: Job) {
  const staged = rowsOf<{ row_number: number; data: StagedCredential }>(
    await tx.execute(sql`select row_number, data from import_rows where tenant_id = ${job.tenantId} and job_id = ${job.id} order by row_number`),
  );
  const actor = sql`${job.createdByUserId}::uuid`;
  const request = `import:${job.id}`;
  // Holders: the last row of a person wins. New ones and updated ones are audited apart.
  const people = new Map<string, StagedCredential>();
  for (const { data } of staged) people.set(data.idHash, data);
  const holderIds = new Map<string, string>();
  const list = [...people.values()];
  for (let i = 0; i < list.length; i += chunk) {
    const part = list.slice(i, i + chunk);
    const saved = await tx
      .insert(credentialHolders)
      .values(
        part.map((p) => ({
          tenantId: job.tenantId,
          name: p.name,
          idHash: p.idHash,
          idLast4: p.idLast4,
          source: p.source,
          employerName: p.employerName,
          contact: p.contact,
        })),
      )
      .onConflictDoUpdate({
        target: [credentialHolders.tenantId, credentialHolders.idHash],
        set: {
          name: sql`excluded.name`,
          source: sql`excluded.source`,
          employerName: sql`excluded.employer_name`,
          contact: sql`excluded.contact`,
          updatedAt: sql`now()`,
        },
      })
      .returning({
        id: credentialHolders.id,
        idHash: credentialHolders.idHash,
        name: credentialHolders.name,
        source: credentialHolders.source,
        employerName: credentialHolders.employerName,
        created: sql<boolean>`(xmax = 0)`,
      });
    for (const h of saved) holderIds.set(h.idHash, h.id);
    await tx.execute(sql`insert into audit_log (tenant_id, actor_user_id, actor_role, action, entity_type, entity_id, after, request_id)
      select ${job.tenantId}::uuid, ${actor}, 'system', case when (x->>'created')::boolean then 'credential_holder.create' else 'credential_holder.update' end,
        'credential_holder', x->>'id', x - 'created' - 'idHash', ${request}
      from jsonb_array_elements(${JSON.stringify(saved)}::jsonb) x`);
  }
  let created = 0;
  for (let i = 0; i < staged.length; i += chunk) {
    const part = staged.slice(i, i + chunk);
    const serials = rowsOf<{ n: number }>(await tx.execute(sql`select nextval('credential_number_seq')::int as n from generate_series(1, ${part.length})`));
    const saved = await tx
      .insert(credentials)
      .values(
        part.map(({ data }, j) => ({
          tenantId: job.tenantId,
          holderId: holderIds.get(data.idHash)!,
          role: data.role,
          certificateId: data.certificateId,
          levels: data.levels as (typeof certificateLevels)[number][],
          number: formatCredentialNumber(Number(data.issuedOn.slice(0, 4)), Number(serials[j].n)),
          issuedOn: data.issuedOn,
          expiresOn: data.expiresOn,
          status: data.status,
        })),
      )
      .returning();
    await tx.execute(sql`insert into audit_log (tenant_id, actor_user_id, actor_role, action, entity_type, entity_id, after, request_id)
      select ${job.tenantId}::uuid, ${actor}, 'system', 'credential.create', 'credential', x->>'id', x, ${request}
      from jsonb_array_elements(${JSON.stringify(saved)}::jsonb) x`);
    created += saved.length;
  }
  return created;
}

/** The credentials' import adapter, registered beside the banks'. */
export const credentialImport: BankImport = {
  formats: ["xlsx", "csv"],
  sheet: credentialSheet,
  parseRow: parseCredentialRow,
  lookups: certificateLookups,
  move: moveCredentials,
  audit: "credential_import",
};

export async function credentialsImportPage(tx: Tx, ctx: TenantContext) {
  return { jobs: (await listImportJobs(tx, ctx, "credentials")).map((job) => ({ ...job, progress: progressOf(job) })) };
}

/** Records the job and, once the request's transaction has committed, starts it. */
export async function uploadCredentials(request: Request, slug: string | undefined) {
  const queued: { job?: { tenantId: string; id: string } } = {};
  const response = await withTenant(request, slug, "credentials:write", async (tx, ctx) => {
    const submission = await parseForm(request, fileImportSchema, ctx.locale, { field: "file", maxBytes: maxImportBytes });
    if (submission.status !== "success") return rejectSubmission(submission);
    const { file } = submission.value;
    const result = await createImportJob(tx, ctx, {
      kind: "credentials",
      certificateId: null,
      fileName: stripControlChars(file.name).normalize("NFC").slice(0, 200),
      bytes: new Uint8Array(await file.arrayBuffer()),
    });
    if (!result.ok) return rejectSubmission(submission, result);
    queued.job = { tenantId: ctx.tenant.id, id: result.value.id };
    return redirect(`/w/${ctx.tenant.slug}/credentials/import/${result.value.id}`);
  });
  if (queued.job) startImportJob(queued.job.tenantId, queued.job.id);
  return response;
}

/** The empty template (Chinese headers, as import expects them). */
export function credentialsTemplate(format: ExportFormat, rows: Record<string, string>[] = []) {
  return exportResponse(
    format,
    rows.length ? "credentials" : "credentials-template",
    credentialColumns.map((column) => ({ header: column.zh, value: (row: Record<string, string>) => row[column.key] ?? "", width: 16 })),
    rows,
  );
}

/**
 * Every credential with its holder in the template's columns (the ID column shows only its last 4:
 * the number itself is not kept). Re-importing the file needs the ID numbers filled in again.
 */
export async function credentialsForExport(tx: Tx, ctx: TenantContext, limit = 100_000) {
  const rows = await tx
    .select({
      name: credentialHolders.name,
      idLast4: credentialHolders.idLast4,
      source: credentialHolders.source,
      employerName: sql<string>`coalesce(nullif(${credentialHolders.employerName}, ''), (select t.name from ${tenants} t where t.id = ${credentialHolders.employerTenantId}), '')`,
      contact: credentialHolders.contact,
      role: credentials.role,
      certificateCode: certificates.code,
      levels: credentials.levels,
      issuedOn: credentials.issuedOn,
      expiresOn: credentials.expiresOn,
      status: credentials.status,
      number: credentials.number,
    })
    .from(credentials)
    .innerJoin(credentialHolders, and(eq(credentialHolders.tenantId, credentials.tenantId), eq(credentialHolders.id, credentials.holderId)))
    .innerJoin(certificates, and(eq(certificates.tenantId, credentials.tenantId), eq(certificates.id, credentials.certificateId)))
    .where(eq(credentials.tenantId, ctx.tenant.id))
    .orderBy(asc(credentials.number))
    .limit(limit);
  return rows.map((r) => ({
    ...r,
    idNumber: `****${r.idLast4}`,
    source: labelIn(labels, "source", r.source),
    role: labelIn(labels, "role", r.role),
    levels: r.levels.map((l) => labelIn(labels, "levels", l)).join("、"),
    status: labelIn(labels, "status", r.status),
    issuedOn: String(r.issuedOn),
    expiresOn: String(r.expiresOn),
  }));
}
