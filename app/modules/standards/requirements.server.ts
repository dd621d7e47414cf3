import { sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../../db/client.server";

export interface SkillRequirement {
  lineageId: string;
  level: "junior" | "intermediate" | "senior";
  code: string;
  titleZh: string;
  titleEn: string;
}

/**
 * The skill requirements of a certificate: those of its latest published standard version (a
 * question or case names them by lineage id, so it keeps them when a new version is published).
 */
export async function skillRequirements(tx: Tx, tenantId: string, certificateId: string): Promise<SkillRequirement[]> {
  return rowsOf<SkillRequirement>(
    await tx.execute(sql`
      select n.lineage_id as "lineageId", n.level, n.code, n.title_zh as "titleZh", n.title_en as "titleEn"
      from standard_nodes n
      where n.tenant_id = ${tenantId} and n.kind = 'skill_requirement' and n.version_id = (
        select v.id from standard_versions v
        where v.tenant_id = ${tenantId} and v.certificate_id = ${certificateId} and v.status = 'published'
        order by v.version desc limit 1)
      order by n.level, string_to_array(n.code, '.')::int[]`),
  );
}
