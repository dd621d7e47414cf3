import { createHash } from "node:crypto";
import zlib from "node:zlib";
import type { Tx } from "../client.server";
import { questionAttachments, questions, questionVersions } from "../schema";
import { audit } from "../../app/modules/audit/audit.server";
import { snapshotOf } from "../../app/modules/questions/service.server";
import { newStorageKey, storage } from "../../app/modules/storage/storage.server";
import { seedActor } from "./actor";

// A question as a Moodle import leaves it (issue 19, decision 049): a category path as its tag, the
// grades of its options kept (partial credit, a penalty), and its embedded image stored as the
// question's attachment and shown on its page.

/** A small PNG: a grey photo-like field with two red bounding boxes, drawn here (no binary in the repository). */
export function boxesPng(width = 160, height = 100) {
  const boxes = [
    [20, 20, 70, 80],
    [95, 30, 145, 70],
  ];
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0;
    for (let x = 0; x < width; x++) {
      const edge = boxes.some(([x0, y0, x1, y1]) => x >= x0 && x <= x1 && y >= y0 && y <= y1 && (x - x0 < 2 || x1 - x < 2 || y - y0 < 2 || y1 - y < 2));
      const shade = 200 + ((x + y) % 20);
      const [r, g, b] = edge ? [220, 30, 30] : [shade, shade, shade];
      raw.set([r, g, b], y * (width * 3 + 1) + 1 + x * 3);
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(Buffer.concat([Buffer.from(type), data])));
    return Buffer.concat([length, Buffer.from(type), data, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", zlib.deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

export async function seedQuestionMedia(tx: Tx, tenantIds: Map<string, string>, certificateIds: Map<string, string>) {
  const tenantId = tenantIds.get("demo-ai")!;
  const certificateId = certificateIds.get("AI-TRAINER")!;
  const [row] = await tx
    .insert(questions)
    .values({
      tenantId,
      certificateId,
      level: "intermediate",
      type: "multiple_choice",
      stem: "观察图片：[图片：标注示例.png]\n\n图中的红色**矩形框**可用于哪些标注任务？",
      options: ["目标检测", "目标计数", "语音转写"],
      answer: "AB",
      answerWeights: [50, 50, -50],
      explanation: "矩形框标出目标的位置与范围，可用于检测与计数；语音转写与图像无关。\n\n原题名称：图像-拉框 · 原题 ID：MOODLE-IMG-01",
      difficulty: 2,
      tags: ["工作领域1/数据标注"],
      pool: "practice",
      visibility: "private",
      status: "published",
      version: 1,
      publishedAt: new Date(),
    })
    .returning();
  await tx.insert(questionVersions).values({ tenantId, questionId: row.id, version: 1, snapshot: snapshotOf(row), pool: row.pool });
  await audit(tx, seedActor(tenantId), { action: "question.publish", entityType: "question", entityId: row.id, after: row });
  const bytes = boxesPng();
  const storageKey = newStorageKey(tenantId);
  await storage().put(storageKey, bytes);
  await tx.insert(questionAttachments).values({
    tenantId,
    questionId: row.id,
    fileName: "标注示例.png",
    contentType: "image/png",
    sizeBytes: bytes.length,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    storageKey,
  });
}
