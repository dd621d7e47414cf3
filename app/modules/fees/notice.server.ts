import { sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../../db/client.server";
import { publicUrl, qrCodeSvg } from "~/modules/credentials/verify.server";
import type { TenantContext } from "~/modules/tenancy/context.server";
import { isUuid } from "~/ui/ids";

// 收费公示 (issue 19 item 6): the A4 notice of an organization's fees in force on the notice day, each
// with a QR code to its live public record (/fees/<id>). Fees in force by the database's single
// definition, fee_in_force(); the QR codes are SVG rendered here (qrcode), no script on the page.

export interface NoticeFee {
  id: string;
  certificateId: string;
  certificateCode: string;
  certificateNameZh: string;
  certificateNameEn: string;
  level: "junior" | "intermediate" | "senior";
  kind: "training" | "assessment" | "teacher_training";
  amountFen: number;
  unit: "per_person" | "per_person_time" | "per_session";
  effectiveFrom: string;
  effectiveUntil: string | null;
  url: string;
  qrSvg: string;
}

/** The fees in force on `day` (all certificates, or one), in certificate, level and kind order. */
export async function feeNotice(tx: Tx, ctx: TenantContext, request: Request, day: string, certificateId?: string) {
  const certificate = certificateId && isUuid(certificateId) ? certificateId : null;
  const rows = rowsOf<Omit<NoticeFee, "url" | "qrSvg">>(
    await tx.execute(sql`
      with keys as (
        select distinct d.certificate_id, d.level, d.kind from fee_disclosures d
        where d.tenant_id = ${ctx.tenant.id} and d.status = 'published' ${certificate ? sql`and d.certificate_id = ${certificate}::uuid` : sql``}
      )
      select d.id, c.id as "certificateId", c.code as "certificateCode", c.name_zh as "certificateNameZh", c.name_en as "certificateNameEn",
        d.level, d.kind, d.amount_fen as "amountFen", d.unit,
        to_char(d.effective_from, 'YYYY-MM-DD') as "effectiveFrom", to_char(d.effective_until, 'YYYY-MM-DD') as "effectiveUntil"
      from keys k
      cross join lateral fee_in_force(${ctx.tenant.id}::uuid, k.certificate_id, k.level, k.kind, ${day}::date) f
      join fee_disclosures d on d.tenant_id = ${ctx.tenant.id} and d.id = f.id
      join certificates c on c.tenant_id = d.tenant_id and c.id = d.certificate_id
      order by c.code, d.level, d.kind`),
  );
  const fees: NoticeFee[] = [];
  for (const row of rows) {
    const url = publicUrl(request, `/fees/${row.id}`);
    fees.push({ ...row, amountFen: Number(row.amountFen), url, qrSvg: await qrCodeSvg(url) });
  }
  const [organization] = rowsOf<{ name: string; nameEn: string | null; creditCode: string | null }>(
    await tx.execute(sql`select name, name_en as "nameEn", credit_code as "creditCode" from tenants where id = ${ctx.tenant.id}`),
  );
  return { organization, fees, certificateId: certificate };
}

/** Fen as yuan with two decimals, no currency sign (the notice's amount column says 元). */
export function fenAsYuan(fen: number) {
  if (!Number.isSafeInteger(fen)) throw new Error(`amount in fen must be an integer: ${fen}`);
  const abs = Math.abs(fen);
  return `${fen < 0 ? "-" : ""}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}
