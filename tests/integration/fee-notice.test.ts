import { sql } from "drizzle-orm";
import jsQR from "jsqr";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatDay } from "../../app/ui/format";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { owner } from "../support/db";

// The printable fee notice (收费公示, issue 19 item 6): the organization's fees in force with its name
// and credit code, amounts in yuan, units, dates, the teacher-training note, and per fee a QR code
// (server-rendered SVG) whose decoded address is the fee's live public record, which shows the same
// code and says when a printed fee was superseded.

const noticeRoute = "routes/w.$slug_.fees.notice";
const publicRoute = "routes/fees.$disclosureId";

/**
 * Decodes a QR code SVG as `qrcode` writes it (one stroked path of horizontal runs: M/m moves, h
 * lines, one module high) with a real decoder: the modules are painted into an RGBA bitmap, 8 pixels
 * each with a white quiet zone, and read back by jsQR.
 */
function decodeQrSvg(svg: string): string | null {
  const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)?.[1]);
  const path = /<path stroke="#000000" d="([^"]+)"/.exec(svg)?.[1];
  if (!size || !path) throw new Error(`not a qrcode SVG: ${svg.slice(0, 120)}`);
  const dark = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  let x = 0;
  let y = 0;
  for (const [, command, args] of path.matchAll(/([Mmh])([^Mmh]+)/g)) {
    const numbers = args.trim().split(/[ ,]+/).map(Number);
    if (command === "M") [x, y] = numbers;
    else if (command === "m") {
      x += numbers[0];
      y += numbers[1];
    } else {
      for (let i = 0; i < numbers[0]; i++) dark[Math.floor(y)][x + i] = true;
      x += numbers[0];
    }
  }
  const scale = 8;
  const quiet = 4;
  const width = (size + quiet * 2) * scale;
  const pixels = new Uint8ClampedArray(width * width * 4).fill(255);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      if (!dark[row][col]) continue;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const offset = (((row + quiet) * scale + dy) * width + (col + quiet) * scale + dx) * 4;
          pixels[offset] = pixels[offset + 1] = pixels[offset + 2] = 0;
        }
      }
    }
  }
  return jsQR(pixels, width, width)?.data ?? null;
}

type NoticeData = {
  organization: { name: string; creditCode: string | null };
  day: string;
  fees: { id: string; kind: string; amountFen: number; url: string; qrSvg: string; certificateId: string }[];
};

describe("printable fee notice", () => {
  let app: TestApp;
  let admin: HttpClient; // admin of demo-ai
  let careAdmin: HttpClient; // admin of demo-care
  let teacher: HttpClient; // a school's teacher: no fee permission
  let trainer: string;
  let elderly: string;
  const db = () => owner(app.database);

  beforeAll(async () => {
    app = await startApp();
    admin = app.client();
    await admin.login("org-admin@demo.xcert.test");
    careAdmin = app.client({ locale: "en" });
    await careAdmin.login("org2-admin@demo.xcert.test");
    teacher = app.client();
    await teacher.login("school-teacher@demo.xcert.test");
    const ids = await db().rows<{ code: string; id: string }>(sql`select code, id from certificates`);
    trainer = ids.find((c) => c.code === "AI-TRAINER")!.id;
    elderly = ids.find((c) => c.code === "ELDERLY-CARE")!.id;
  });
  afterAll(async () => {
    await app.close();
  });

  it("prints the fees in force with the organization, amounts in yuan, and a QR code to each live record", async () => {
    const data = (await (await admin.data("/w/demo-ai/fees/notice", noticeRoute)).json()) as NoticeData;
    expect(data.organization).toMatchObject({ name: "上海智训人工智能科技有限公司", creditCode: "91310000MA1FL7XK0H" });
    // In force today: the intermediate assessment (its successor starts in 45 days), training, teacher training.
    const inForce = await db().rows<{ id: string }>(sql`
      select f.id from (select distinct tenant_id, certificate_id, level, kind from fee_disclosures where status = 'published') k
      join tenants t on t.id = k.tenant_id and t.slug = 'demo-ai'
      cross join lateral fee_in_force(k.tenant_id, k.certificate_id, k.level, k.kind, ${data.day}::date) f`);
    expect(data.fees.map((f) => f.id).sort()).toEqual(inForce.map((f) => f.id).sort());
    expect(data.fees.length).toBe(3);
    for (const fee of data.fees) {
      expect(fee.url).toMatch(new RegExp(`^https?://[^/]+/fees/${fee.id}$`));
      expect(decodeQrSvg(fee.qrSvg)).toBe(fee.url);
    }
    const html = await (await admin.get("/w/demo-ai/fees/notice")).text();
    expect(html).toContain("收费标准公示");
    expect(html).toContain("91310000MA1FL7XK0H");
    expect(html).toContain("教师培训自愿参加");
    expect(html).toContain("350.00"); // 35,000 fen
    expect(html).toContain("2800.00");
    expect(html).toContain("元/期");
    expect(html).toContain("size: A4");
    // The codes are in the server's HTML: printing needs no script.
    expect(html.match(/<svg[^>]*viewBox/g)?.length).toBeGreaterThanOrEqual(3);
  });

  it("shows the same QR code on the public record, which says when a printed fee was superseded", async () => {
    const data = (await (await admin.data("/w/demo-ai/fees/notice", noticeRoute)).json()) as NoticeData;
    const assessment = data.fees.find((f) => f.kind === "assessment")!;
    const record = (await (await app.client().data(`/fees/${assessment.id}`, publicRoute)).json()) as { pageUrl: string; qrSvg: string };
    expect(record.pageUrl).toBe(assessment.url);
    expect(decodeQrSvg(record.qrSvg)).toBe(assessment.url);
    // Its successor was published in advance: a scan of this printout lands on a record saying so.
    const [successor] = await db().rows<{ id: string; effective_from: string }>(
      sql`select id, to_char(effective_from, 'YYYY-MM-DD') as effective_from from fee_disclosures where supersedes_id = ${assessment.id}`,
    );
    const page = await (await app.client().get(`/fees/${assessment.id}`)).text();
    expect(page).toContain(`已被替代：自 ${formatDay(successor.effective_from)} 起`);
    expect(page).toContain(`href="/fees/${successor.id}"`);
    // The fee in force has no such line.
    const current = await (await app.client().get(`/fees/${successor.id}`)).text();
    expect(current).not.toContain("已被替代");
  });

  it("prints one certificate's fees, refuses an unknown or foreign certificate, and keeps the notice to members with fee access", async () => {
    const one = (await (await admin.data(`/w/demo-ai/fees/notice?certificate=${trainer}`, noticeRoute)).json()) as NoticeData;
    expect(one.fees.length).toBe(3);
    expect(one.fees.every((f) => f.certificateId === trainer)).toBe(true);
    expect((await admin.get(`/w/demo-ai/fees/notice?certificate=${elderly}`)).status).toBe(404);
    expect((await admin.get("/w/demo-ai/fees/notice?certificate=not-a-uuid")).status).toBe(404);
    expect((await careAdmin.get("/w/demo-ai/fees/notice")).status).toBe(404);
    expect((await teacher.get("/w/demo-school/fees/notice")).status).toBe(403);
    // demo-care's notice lists only its own fee, in English when its admin reads English.
    const care = (await (await careAdmin.data("/w/demo-care/fees/notice", noticeRoute)).json()) as NoticeData;
    expect(care.organization.name).toBe("上海颐康老年照护服务有限公司");
    expect(care.fees.map((f) => f.certificateId)).toEqual([elderly]);
    expect(await (await careAdmin.get("/w/demo-care/fees/notice")).text()).toContain("Public notice of fees");
  });
});
