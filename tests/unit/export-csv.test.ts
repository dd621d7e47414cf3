import { describe, expect, it } from "vitest";
import { toCsv } from "../../app/ui/export.server";

// The one CSV writer (app/ui/export.server.ts): cells with a separator are quoted, formulas neutralised.
describe("CSV cells", () => {
  const csv = (value: string) => toCsv([{ header: "h", value: (row: { v: string }) => row.v }], [{ v: value }]).replace(/^\uFEFFh\r\n/, "");

  it("quotes a cell containing ';', the list separator of Excel in some locales (review F25)", () => {
    expect(csv("上海;徐汇")).toBe('"上海;徐汇"\r\n');
  });

  it("still quotes commas, quotes and line breaks, and leaves plain cells alone", () => {
    expect(csv("a,b")).toBe('"a,b"\r\n');
    expect(csv('say "hi"')).toBe('"say ""hi"""\r\n');
    expect(csv("a\nb")).toBe('"a\nb"\r\n');
    expect(csv("plain")).toBe("plain\r\n");
    expect(csv("=1+1;2")).toBe('"\'=1+1;2"\r\n');
  });
});
