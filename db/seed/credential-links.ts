import { and, eq, sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../client.server";
import { cohorts, credentials, credentialHolders, pilotMajors, trainingEnrolments, trainingSessions, feeDisclosures, users } from "../schema";
import { audit } from "../../app/modules/audit/audit.server";
import { hashIdNumber } from "../../app/modules/credentials/keys.server";
import { addDays, shanghaiDate } from "../../app/ui/format";
import { seedActor } from "./actor";
import { seedScope } from "./scope";

// Issue 16 items 7, 9 and 11, second round: demo-school's 计算机应用技术 (510201) gains a cohort of 320
// (400 students: 5 trainers for 1:80) and 3 linked trainer credentials of demo-ai, so it is two trainers
// short; 智慧健康养老服务与管理 (90 students) has two of demo-care's, within 1:80. demo-ai lists a
// teacher-training session (linked to its teacher-training fee) with one of demo-school's teachers enrolled.
export async function seedCredentialLinks(tx: Tx, tenantIds: Map<string, string>, certificateIds: Map<string, string>) {
  const today = shanghaiDate();
  const ai = tenantIds.get("demo-ai")!;
  const care = tenantIds.get("demo-care")!;
  const school = tenantIds.get("demo-school")!;
  const [admin] = await tx.select({ id: users.id }).from(users).where(eq(users.email, "school-admin@demo.xcert.test"));

  // The organizations' records the school matches against (read as the system, before the school's scope).
  const numberOf = async (tenantId: string, name: string) => {
    await seedScope(tx, { tenantId, tenantKind: "organization", role: "system" });
    const [row] = await tx
      .select({ number: credentials.number })
      .from(credentials)
      .innerJoin(credentialHolders, and(eq(credentialHolders.tenantId, credentials.tenantId), eq(credentialHolders.id, credentials.holderId)))
      .where(and(eq(credentials.tenantId, tenantId), eq(credentialHolders.name, name), eq(credentials.role, "trainer"), eq(credentials.status, "active")))
      .limit(1);
    return row.number;
  };
  const aiTrainers = [await numberOf(ai, "张晓明"), await numberOf(ai, "Emily Carter")];
  await seedScope(tx, { tenantId: ai, tenantKind: "organization", role: "system" });
  const [third] = await tx
    .select({ number: credentials.number, name: credentialHolders.name })
    .from(credentials)
    .innerJoin(credentialHolders, and(eq(credentialHolders.tenantId, credentials.tenantId), eq(credentialHolders.id, credentials.holderId)))
    .where(
      and(
        eq(credentials.tenantId, ai),
        eq(credentials.role, "trainer"),
        eq(credentials.status, "active"),
        eq(credentialHolders.source, "industry_expert"),
        sql`${credentials.expiresOn} > ${addDays(today, 60)}`,
        sql`${credentials.number} not in (${sql.join(
          aiTrainers.map((n) => sql`${n}`),
          sql`, `,
        )})`,
      ),
    )
    .orderBy(credentials.number)
    .limit(1);
  const careTrainers = [await numberOf(care, "吴芳"), await numberOf(care, "赵颐")];

  await seedScope(tx, { tenantId: school, tenantKind: "school", role: "admin", userId: admin?.id ?? null });
  const majors = await tx.select({ id: pilotMajors.id, code: pilotMajors.code }).from(pilotMajors).where(eq(pilotMajors.tenantId, school));
  const computing = majors.find((m) => m.code === "510201")!;
  const elderly = majors.find((m) => m.code === "590302")!;
  const year = Number(today.slice(0, 4));
  await seedScope(tx, { tenantId: school, tenantKind: "school", role: "system" });
  const [cohort] = await tx
    .insert(cohorts)
    .values({ tenantId: school, majorId: computing.id, entryYear: year, studentCount: 320, expectedGraduation: `${year + 3}-06-30` })
    .returning();
  await audit(tx, seedActor(school), { action: "cohort.create", entityType: "cohort", entityId: cohort.id, after: cohort });
  await seedScope(tx, { tenantId: school, tenantKind: "school", role: "admin", userId: admin?.id ?? null });
  const link = async (majorId: string, number: string, proof: string) => {
    const [row] = rowsOf<{ id: string | null }>(await tx.execute(sql`select link_school_credential(${majorId}::uuid, ${number}, ${proof}) as id`));
    if (!row?.id) throw new Error(`demo seed: ${number} did not link`);
    const id = row.id;
    await audit(tx, seedActor(school), {
      action: "credential_link.create",
      entityType: "credential_link",
      entityId: id ?? null,
      after: { majorId, number, via: "demo seed" },
    });
  };
  await link(computing.id, aiTrainers[0], "张晓明");
  await link(computing.id, aiTrainers[1], "Emily Carter");
  await link(computing.id, third.number, third.name);
  await link(elderly.id, careTrainers[0], "吴芳");
  await link(elderly.id, careTrainers[1], "赵颐");

  // A teacher-training session of demo-ai, voluntary, linked to its teacher-training fee; one enrolment.
  await seedScope(tx, { tenantId: ai, tenantKind: "organization", role: "system" });
  const [fee] = await tx
    .select({ id: feeDisclosures.id })
    .from(feeDisclosures)
    .where(and(eq(feeDisclosures.tenantId, ai), eq(feeDisclosures.kind, "teacher_training"), eq(feeDisclosures.status, "published")))
    .limit(1);
  const [session] = await tx
    .insert(trainingSessions)
    .values({
      tenantId: ai,
      title: "人工智能训练师（中级）师资培训",
      certificateId: certificateIds.get("AI-TRAINER")!,
      levels: ["intermediate"],
      role: "trainer",
      startsOn: addDays(today, 28),
      endsOn: addDays(today, 30),
      mode: "onsite",
      place: "徐汇滨江 AI 考核中心",
      capacity: 30,
      feeDisclosureId: fee?.id ?? null,
    })
    .returning();
  await audit(tx, seedActor(ai), { action: "training_session.create", entityType: "training_session", entityId: session.id, after: session });
  await tx.insert(trainingSessions).values({
    tenantId: ai,
    title: "大数据应用开发（Python）师资培训（线上）",
    certificateId: certificateIds.get("BIGDATA-PY")!,
    levels: ["junior"],
    role: "trainer",
    startsOn: addDays(today, 45),
    endsOn: addDays(today, 46),
    mode: "online",
    capacity: 100,
  });
  await seedScope(tx, { tenantId: school, tenantKind: "school", role: "admin", userId: admin?.id ?? null });
  const idNumber = "310104199001011234";
  const [enrolment] = await tx
    .insert(trainingEnrolments)
    .values({
      tenantId: ai,
      sessionId: session.id,
      schoolTenantId: school,
      teacherName: "吴老师",
      idHash: hashIdNumber(idNumber),
      idLast4: idNumber.slice(-4),
      contact: "13900001234",
      createdByUserId: admin?.id ?? null,
    })
    .returning();
  await audit(tx, seedActor(school), {
    action: "training_enrolment.create",
    entityType: "training_enrolment",
    entityId: enrolment.id,
    after: { sessionId: session.id, teacherName: "吴老师" },
  });
}
