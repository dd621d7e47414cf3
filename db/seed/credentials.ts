import { and, eq } from "drizzle-orm";
import type { Tx } from "../client.server";
import { assessmentSessions, credentialHolders, credentials, examinerAssignments, examSites } from "../schema";
import { audit } from "../../app/modules/audit/audit.server";
import { hashIdNumber } from "../../app/modules/credentials/keys.server";
import { nextNumber } from "../../app/modules/credentials/service.server";
import { seedScope } from "./scope";
import { addDays, shanghaiDate } from "../../app/ui/format";
import { seedActor } from "./actor";

// Trainers and examiners as the issue's story tells it (issue 16, item 11): demo-ai with 7 industry
// trainers of 20 (35%, below 40%), 12 credentials expiring within 30 days and one suspended;
// demo-care with a few; two exam sites in Xuhui, one hosted by demo-school, with a session and an
// examiner assigned. The first two numbers are stable (README): the seed issues them first.
export const demoValidCredential = { issuedOn: "2025-03-01" };
export const demoSuspendedCredential = { issuedOn: "2025-03-01" };

const surnames = ["张", "李", "王", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗"];
const givens = ["明", "伟", "芳", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "超", "霞", "平", "刚", "桂英"];

function personName(i: number) {
  // Two- and three-character names, as the masking rules distinguish them.
  return i % 3 === 0 ? `${surnames[i % 20]}${givens[(i * 7) % 20]}` : `${surnames[i % 20]}${givens[(i * 3) % 20]}${givens[(i * 11 + 1) % 20]}`.slice(0, 3);
}

/** A made-up 18-character 身份证-shaped number: only its hash and last 4 are kept. */
function idNumber(tenant: number, i: number) {
  return `3101${String(tenant).padStart(2, "0")}1985${String(i).padStart(8, "0")}`;
}

interface Holder {
  name: string;
  source: "school_teacher" | "industry_expert";
  employerTenantId?: string;
  employerName?: string;
}

interface Issue {
  holder: Holder;
  role: "trainer" | "examiner";
  certificateId: string;
  levels: ("junior" | "intermediate" | "senior")[];
  issuedOn: string;
  expiresOn: string;
  status?: "active" | "suspended";
  reason?: string;
}

async function issue(tx: Tx, tenantId: string, tenantNo: number, list: Issue[]) {
  await seedScope(tx, { tenantId, tenantKind: "organization", role: "system" });
  const ids: string[] = [];
  for (const [i, item] of list.entries()) {
    const id = idNumber(tenantNo, i + 1);
    const [holder] = await tx
      .insert(credentialHolders)
      .values({
        tenantId,
        name: item.holder.name,
        idHash: hashIdNumber(id),
        idLast4: id.slice(-4),
        source: item.holder.source,
        employerTenantId: item.holder.employerTenantId ?? null,
        employerName: item.holder.employerName ?? "",
        contact: `1390000${String(tenantNo * 1000 + i).padStart(4, "0")}`,
      })
      .returning();
    const [row] = await tx
      .insert(credentials)
      .values({
        tenantId,
        holderId: holder.id,
        role: item.role,
        certificateId: item.certificateId,
        levels: item.levels,
        number: await nextNumber(tx, item.issuedOn),
        issuedOn: item.issuedOn,
        expiresOn: item.expiresOn,
      })
      .returning();
    if (item.status === "suspended")
      await tx
        .update(credentials)
        .set({ status: "suspended", statusReason: item.reason ?? "" })
        .where(eqId(row.tenantId, row.id));
    await audit(tx, seedActor(tenantId), {
      action: "credential.create",
      entityType: "credential",
      entityId: row.id,
      after: { number: row.number, via: "demo seed" },
    });
    ids.push(row.id);
  }
  return ids;
}

const eqId = (tenantId: string, id: string) => and(eq(credentials.tenantId, tenantId), eq(credentials.id, id));

export async function seedCredentials(tx: Tx, tenantIds: Map<string, string>, certificateIds: Map<string, string>) {
  const today = shanghaiDate();
  const ai = tenantIds.get("demo-ai")!;
  const care = tenantIds.get("demo-care")!;
  const school = tenantIds.get("demo-school")!;
  const aiTrainer = certificateIds.get("AI-TRAINER")!;
  const bigData = certificateIds.get("BIGDATA-PY")!;
  const elderly = certificateIds.get("ELDERLY-CARE")!;
  const companies = ["上海智算科技有限公司", "商汤科技上海分公司", "上海数据港股份有限公司", "上海云轴信息科技有限公司"];

  // demo-ai: 20 trainers, 7 from industry (35%): AI-TRAINER 14 (7 industry), BIGDATA-PY 6 (none).
  const aiList: Issue[] = [];
  // The two README numbers come first: a valid trainer and a suspended one.
  aiList.push({
    holder: { name: "张晓明", source: "industry_expert", employerName: companies[0] },
    role: "trainer",
    certificateId: aiTrainer,
    levels: ["intermediate", "senior"],
    issuedOn: demoValidCredential.issuedOn,
    expiresOn: "2028-02-28",
  });
  aiList.push({
    holder: { name: "李华", source: "school_teacher", employerTenantId: school },
    role: "trainer",
    certificateId: aiTrainer,
    levels: ["junior"],
    issuedOn: demoSuspendedCredential.issuedOn,
    expiresOn: "2028-02-28",
    status: "suspended",
    reason: "培训质量投诉调查中",
  });
  for (let i = 0; i < 18; i++) {
    const industry = i < 6; // with 张晓明: 7 industry trainers
    const expiring = i >= 6 && i < 18; // 12 expiring within 30 days
    aiList.push({
      holder: industry
        ? { name: i === 0 ? "Emily Carter" : personName(i + 3), source: "industry_expert", employerName: companies[i % companies.length] }
        : { name: personName(i + 3), source: "school_teacher", employerTenantId: school },
      role: "trainer",
      certificateId: i >= 12 ? bigData : aiTrainer,
      levels: ["intermediate"],
      issuedOn: "2024-09-01",
      expiresOn: expiring ? addDays(today, 3 + (i - 6) * 2) : "2027-08-31",
    });
  }
  // Examiners: one works at demo-school (assigning her to the school's site is refused), two do not.
  aiList.push({
    holder: { name: "周静", source: "school_teacher", employerTenantId: school },
    role: "examiner",
    certificateId: aiTrainer,
    levels: ["intermediate"],
    issuedOn: "2025-01-10",
    expiresOn: "2028-01-09",
  });
  aiList.push({
    holder: { name: "Daniel Wong", source: "industry_expert", employerName: companies[1] },
    role: "examiner",
    certificateId: aiTrainer,
    levels: ["intermediate", "senior"],
    issuedOn: "2025-01-10",
    expiresOn: "2028-01-09",
  });
  aiList.push({
    holder: { name: "孙涛", source: "industry_expert", employerName: companies[2] },
    role: "examiner",
    certificateId: bigData,
    levels: ["junior"],
    issuedOn: "2025-01-10",
    expiresOn: "2028-01-09",
  });
  const aiIds = await issue(tx, ai, 1, aiList);

  await issue(tx, care, 2, [
    {
      holder: { name: "赵颐", source: "industry_expert", employerName: "上海颐康护理院" },
      role: "trainer",
      certificateId: elderly,
      levels: ["junior", "intermediate"],
      issuedOn: "2025-06-01",
      expiresOn: "2028-05-31",
    },
    {
      holder: { name: "钱敏", source: "industry_expert", employerName: "上海颐康护理院" },
      role: "trainer",
      certificateId: elderly,
      levels: ["intermediate"],
      issuedOn: "2025-06-01",
      expiresOn: "2028-05-31",
    },
    {
      holder: { name: "吴芳", source: "school_teacher", employerTenantId: school },
      role: "trainer",
      certificateId: elderly,
      levels: ["junior"],
      issuedOn: "2025-06-01",
      expiresOn: "2028-05-31",
    },
    {
      holder: { name: "冯强", source: "industry_expert", employerName: "上海市第一社会福利院" },
      role: "examiner",
      certificateId: elderly,
      levels: ["intermediate"],
      issuedOn: "2025-06-01",
      expiresOn: "2028-05-31",
    },
  ]);

  // Two exam sites in Xuhui: one at demo-school (proposed by the school, approved), one at a company.
  await seedScope(tx, { tenantId: ai, tenantKind: "organization", role: "system" });
  const [schoolSite] = await tx
    .insert(examSites)
    .values({
      tenantId: ai,
      name: "上海城市职业技术学院 人工智能实训中心",
      hostTenantId: school,
      district: "xuhui",
      certificateId: aiTrainer,
      levels: ["junior", "intermediate"],
      capacity: 60,
      equipment: "GPU 工作站 30 台",
      status: "approved",
      proposedByTenantId: school,
      decidedAt: new Date(),
    })
    .returning();
  const [companySite] = await tx
    .insert(examSites)
    .values({
      tenantId: ai,
      name: "徐汇滨江 AI 考核中心",
      hostName: companies[0],
      district: "xuhui",
      certificateId: aiTrainer,
      levels: ["intermediate", "senior"],
      capacity: 40,
      equipment: "标准化考场 2 间",
      status: "approved",
      decidedAt: new Date(),
    })
    .returning();
  await tx.insert(examSites).values({
    tenantId: ai,
    name: "城院 大数据机房",
    hostTenantId: school,
    district: "xuhui",
    certificateId: bigData,
    levels: ["junior"],
    capacity: 30,
    status: "proposed",
    proposedByTenantId: school,
  });
  const [session] = await tx
    .insert(assessmentSessions)
    .values({ tenantId: ai, siteId: schoolSite.id, heldOn: addDays(today, 21), level: "intermediate" })
    .returning();
  await tx.insert(assessmentSessions).values({ tenantId: ai, siteId: companySite.id, heldOn: addDays(today, 35), level: "senior" });
  // Daniel Wong (not employed by the school) assesses at the school's site.
  await tx.insert(examinerAssignments).values({ tenantId: ai, sessionId: session.id, credentialId: aiIds[aiIds.length - 2] });
}
