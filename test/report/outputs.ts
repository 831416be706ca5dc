/** Every report file of a run folder as text (the XLSX through exceljs, every cell of every sheet). */
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';

export async function outputTexts(files: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const f of files) {
    if (f.endsWith('.xlsx')) {
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(f);
      const parts: string[] = [];
      wb.eachSheet((ws) => {
        parts.push(ws.name);
        ws.eachRow((row) => row.eachCell((c) => parts.push(c.text)));
      });
      out.set(f, parts.join('\n'));
    } else {
      out.set(f, readFileSync(f, 'utf8'));
    }
  }
  return out;
}
