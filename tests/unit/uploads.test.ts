import { describe, expect, it } from "vitest";
import { detectUploadType, imageAndPdfTypes, uploadFileName } from "../../app/modules/storage/uploads.server";

// The one way every kind of uploaded file is named and typed (materials, credential evidence,
// violation evidence): by its bytes, under a name that is safe to store and send back.
describe("uploads", () => {
  const png = Uint8Array.from(
    Buffer.from(
      "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082",
      "hex",
    ),
  );
  const pdf = new TextEncoder().encode("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n");

  it("types a file by its bytes, only among the allowed types", async () => {
    expect(await detectUploadType(png, imageAndPdfTypes)).toEqual({ mime: "image/png", ext: "png" });
    expect(await detectUploadType(pdf, imageAndPdfTypes)).toEqual({ mime: "application/pdf", ext: "pdf" });
    expect(await detectUploadType(png, new Map([["application/pdf", "pdf"]]))).toBeNull();
    expect(await detectUploadType(new TextEncoder().encode("<html>not a pdf</html>"), imageAndPdfTypes)).toBeNull();
  });

  it("keeps no path, control character or quote, normalises to NFC and says what the bytes are", () => {
    expect(uploadFileName('..\\..\\etc/证据\u0007 "一".pdf', "pdf")).toBe("证据 一.pdf");
    expect(uploadFileName("scan.pdf", "png")).toBe("scan.pdf.png");
    expect(uploadFileName("photo.JPEG", "jpg")).toBe("photo.JPEG");
    expect(uploadFileName("e\u0301.pdf", "pdf")).toBe("\u00e9.pdf");
    expect(uploadFileName("   ", "pdf", "evidence")).toBe("evidence.pdf");
    expect(uploadFileName("x".repeat(300), "png")).toHaveLength(204);
  });
});
