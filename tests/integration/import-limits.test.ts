import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { questionColumns } from "../../app/modules/questions/import-rows";
import { HttpClient } from "../support/app";
import { demoOrganization } from "../support/demo";
import { startServer, type ServerProcess } from "../support/server-process";
import { sheetXlsx } from "../support/zip";

// Review finding F1 (decision 020): a crafted spreadsheet cannot take the server down. The server
// runs as `npm start` runs it, in a process of its own with a heap of 1 GB, so a file that exhausted
// it would end the process and /healthz would stop answering. A zip bomb is refused on the form by
// what its directory declares; one that lies about it, and a sheet of millions of tiny cells, are
// refused by the read worker (its own bounded heap, the row cap) while the server answers.

let server: ServerProcess | undefined;
let client: HttpClient;
let english: HttpClient;
let slug: string;
let certificateId: string;

const importRoute = "routes/w.$slug.questions.import._index";
const jobRoute = "routes/w.$slug.questions.import.$jobId";
const header = questionColumns.map((c) => c.zh);
// One tiny cell per row, the same row over and over: it deflates about a thousand to one.
const tinyRow = `<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>`;

beforeAll(async () => {
  server = await startServer({ data: "demo", env: { NODE_OPTIONS: "--max-old-space-size=1024" } });
  client = new HttpClient(server.url);
  ({ slug, certificateId } = await demoOrganization(client, { name: "导入上限测试", code: "LIM-1" }));
  english = new HttpClient(server.url, { locale: "en" });
  english.cookies = new Map([...client.cookies, ["lng", "en"]]);
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

function form(bytes: Uint8Array, name: string) {
  const upload = new FormData();
  upload.append("certificateId", certificateId);
  upload.append("file", new Blob([bytes as Uint8Array<ArrayBuffer>]), name);
  return upload;
}

async function healthy() {
  const response = await fetch(`${server!.url}/healthz`, { signal: AbortSignal.timeout(10_000) });
  return response.status;
}

/** Uploads a file and follows its job to its end, asking /healthz at every look. */
async function importThroughJob(bytes: Uint8Array, name: string) {
  const response = await client.post(`/w/${slug}/questions/import`, form(bytes, name));
  expect(response.status, await response.clone().text()).toBe(302);
  const jobPath = response.headers.get("location")!;
  const health: number[] = [];
  for (let i = 0; i < 1200; i++) {
    health.push(await healthy());
    const data = await (await client.data(jobPath, jobRoute)).json();
    if (["done", "failed"].includes(data.job.status)) return { job: data.job, errors: data.errors as { message: string }[], health };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`import ${jobPath} did not end`);
}

describe("imports that would exhaust the server", () => {
  it("refuses a zip bomb on the form by what its directory declares, in the user's language; /healthz answers", async () => {
    // 4,000,000 rows: 220 MB unpacked, a few hundred kilobytes packed.
    const bomb = await sheetXlsx(header, tinyRow, 4_000_000);
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
    const before = (await (await client.data(`/w/${slug}/questions/import`, importRoute)).json()).jobs.length;
    const refused = await client.action(`/w/${slug}/questions/import`, importRoute, form(bomb, "炸弹.xlsx"));
    expect(refused.status).toBe(400);
    expect((await refused.json()).result.error.file).toEqual(["文件解压后超过 200 MB，无法导入。请拆分为多个文件后分别上传。"]);
    const refusedEn = await english.action(`/w/${slug}/questions/import`, importRoute, form(bomb, "bomb.xlsx"));
    expect(refusedEn.status).toBe(400);
    expect((await refusedEn.json()).result.error.file).toEqual([
      "Unpacked, this file is over 200 MB, more than an import may read. Split it into several files.",
    ]);
    expect(await healthy()).toBe(200);
    // Nothing was recorded: no job, no file.
    expect((await (await client.data(`/w/${slug}/questions/import`, importRoute)).json()).jobs.length).toBe(before);
  }, 180_000);

  it("refuses a zip that unpacks to more than it declares, in the read worker; /healthz answers throughout", async () => {
    // The same 220 MB sheet, declared as 1 MB: the form lets it through, the worker stops after 1 MB.
    const liar = await sheetXlsx(header, tinyRow, 4_000_000, 1_000_000);
    const { job, errors, health } = await importThroughJob(liar, "说谎.xlsx");
    expect(job).toMatchObject({ status: "failed", importedRows: 0 });
    expect(errors.map((e) => e.message)).toEqual(["无法读取该文件，请确认格式正确。"]);
    expect(health.every((status) => status === 200)).toBe(true);
    expect(await healthy()).toBe(200);
  }, 180_000);

  it("refuses a sheet of millions of tiny cells at the row cap, reading it as a stream; /healthz answers throughout", async () => {
    // 3,000,000 rows of one cell: 165 MB unpacked (under the 200 MB bound), honest about it.
    const cells = await sheetXlsx(header, tinyRow, 3_000_000);
    const { job, errors, health } = await importThroughJob(cells, "百万单元格.xlsx");
    expect(job).toMatchObject({ status: "failed", importedRows: 0 });
    expect(errors.map((e) => e.message)).toEqual(["文件超过 200,000 行，无法一次导入。请拆分为多个文件后分别上传。"]);
    expect(health.every((status) => status === 200)).toBe(true);
    expect(await healthy()).toBe(200);
  }, 180_000);

  it("refuses a CSV over the row cap", async () => {
    // Lines end in LF: the form parser of @remix-run/web-fetch overflows its stack on a part of
    // tens of thousands of CRLF lines (a limit of the upload, not of the import).
    const row = `单选题,x,a,b,A,3,中级,练习,仅本机构\n`;
    const csv = Buffer.from(`${header.join(",")}\n${row.repeat(200_001)}`);
    const { job, errors } = await importThroughJob(new Uint8Array(csv), "二十万零一行.csv");
    expect(job).toMatchObject({ status: "failed", importedRows: 0 });
    expect(errors.map((e) => e.message)).toEqual(["文件超过 200,000 行，无法一次导入。请拆分为多个文件后分别上传。"]);
    expect(await healthy()).toBe(200);
  }, 180_000);
});
