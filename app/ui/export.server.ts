import ExcelJS from "exceljs";

// The one exporter every list uses: CSV (UTF-8 with BOM, so Excel opens Chinese) or XLSX.

export type ExportCell = string | number | boolean | Date | null | undefined;
export interface ExportColumn<T> {
  header: string;
  value: (row: T) => ExportCell;
  width?: number;
}

export type ExportFormat = "csv" | "xlsx";

// A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
function neutralise(value: string) {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function csvCell(value: ExportCell) {
  if (value === null || value === undefined) return "";
  const text = neutralise(value instanceof Date ? value.toISOString() : String(value));
  // ";" too: Excel in locales whose list separator is ";" would split the cell there (F25).
  return /[",;\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv<T>(columns: ExportColumn<T>[], rows: Iterable<T>) {
  const lines = [columns.map((c) => csvCell(c.header)).join(",")];
  for (const row of rows) lines.push(columns.map((c) => csvCell(c.value(row))).join(","));
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}

export async function toXlsx<T>(columns: ExportColumn<T>[], rows: Iterable<T>, sheetName = "Sheet1") {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31));
  sheet.columns = columns.map((c) => ({ header: c.header, width: c.width ?? Math.max(12, c.header.length * 2) }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows)
    sheet.addRow(
      columns.map((c) => {
        const value = c.value(row);
        return typeof value === "string" ? neutralise(value) : (value ?? null);
      }),
    );
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A download's Content-Disposition: an ASCII fallback name and the real one in UTF-8 (RFC 6266 / 5987). */
export function attachmentDisposition(fileName: string, kind: "attachment" | "inline" = "attachment") {
  const ascii = fileName.replace(/[^\x20-\x7E]/g, "_").replace(/["\\]/g, "_");
  const utf8 = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}

export async function exportResponse<T>(format: ExportFormat, filename: string, columns: ExportColumn<T>[], rows: Iterable<T>, sheetName = filename) {
  const disposition = attachmentDisposition(`${filename}.${format}`);
  if (format === "csv")
    return new Response(toCsv(columns, rows), {
      headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": disposition },
    });
  return new Response(await toXlsx(columns, rows, sheetName), {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": disposition,
    },
  });
}
