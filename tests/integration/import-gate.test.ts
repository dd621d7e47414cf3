import { readdir } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { questionColumns } from "../../app/modules/questions/import-rows";
import { HttpClient } from "../support/app";
import { demoOrganization } from "../support/demo";
import { createImportGate, type ImportGate } from "../support/import-gate";
import { startServer, type ServerProcess } from "../support/server-process";
import { distinctStem } from "../support/question-import";

// The import gate (decision 017) pauses import runners for tests. Production proper
// (NODE_ENV=production without XCERT_DEMO=1) ignores XCERT_IMPORT_GATE_DIR and says so: a leftover
// setting must never hold a real import. The server process runs as in production, with the
// variable set; its imports run through without writing a single checkpoint.

let gate: ImportGate;
let server: ServerProcess | undefined;

beforeAll(async () => {
  gate = await createImportGate();
  server = await startServer({ data: "demo", env: { NODE_ENV: "production", XCERT_DEMO: undefined, XCERT_SECOND_FACTOR_KEY: "5f".repeat(32), ...gate.env } });
});

afterAll(async () => {
  await server?.stop();
  await gate?.close();
});

describe("the import gate in production proper", () => {
  it("is ignored: an import with checkpoints runs to its end, no checkpoint file is written, the server says why", async () => {
    const url = server!.url;
    const client = new HttpClient(url);
    const { slug, certificateId } = await demoOrganization(client, { name: "导入闸门测试", code: "GATE-1" });

    // 2,500 rows: checkpoints in validation (every 1,000 rows) and in staging (every batch).
    const rowCount = 2500;
    const cells = (i: number): Record<string, string> => ({
      type: "单选题",
      stem: distinctStem(`闸门测试 ${i}`, i),
      optionA: "标注员的喜好",
      optionB: "项目质量要求与数据量",
      answer: "B",
      difficulty: "3",
      level: "中级",
      pool: "练习",
      visibility: "仅本机构",
    });
    const rows = [questionColumns.map((c) => c.zh), ...Array.from({ length: rowCount }, (_, i) => questionColumns.map((c) => cells(i)[c.key] ?? ""))];
    const csv = `\uFEFF${rows.map((r) => r.map((c) => `"${c}"`).join(",")).join("\r\n")}\r\n`;
    const upload = new FormData();
    upload.append("certificateId", certificateId);
    upload.append("file", new Blob([csv]), "闸门.csv");
    const response = await client.post(`/w/${slug}/questions/import`, upload);
    expect(response.status, await response.clone().text()).toBe(302);
    const jobPath = response.headers.get("location")!;

    // A gate honoured here would hold the job at its first checkpoint until this wait runs out.
    let job: { status: string; importedRows: number } | null = null;
    const deadline = Date.now() + 40_000;
    while (!(job && ["done", "failed"].includes(job.status)) && Date.now() < deadline) {
      if (job) await new Promise((resolve) => setTimeout(resolve, 100));
      job = (await (await client.data(jobPath, "routes/w.$slug.questions.import.$jobId")).json()).job;
    }
    expect(job, `checkpoints waiting: ${(await gate.waiting()).join(", ")}`).toMatchObject({ status: "done", importedRows: rowCount });
    expect(await readdir(gate.dir)).toEqual([]);
    expect(server!.output()).toContain("XCERT_IMPORT_GATE_DIR is ignored in production");
  });
});
