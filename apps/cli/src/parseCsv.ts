import { inseqError } from "inseqjs";

/** One CSV record: its fields and the 1-based line of the file it starts on. */
export interface CsvRecord {
  readonly fields: string[];
  readonly line: number;
}

/**
 * Parses RFC 4180 CSV: comma-separated fields, fields in double quotes may hold commas, line breaks and `""` for a
 * quote; records end with CRLF or LF; a final line break is optional; blank lines are skipped. A stray quote inside
 * an unquoted field, text after a closing quote or an unterminated quote throws `MALFORMED_FILE` naming `name` and
 * the line.
 */
export function parseCsv(text: string, name = "CSV"): CsvRecord[] {
  const records: CsvRecord[] = [];
  const fail = (line: number, message: string): never => {
    throw inseqError("MALFORMED_FILE", `${name} line ${line}: ${message}`);
  };
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // byte-order mark
  let line = 1;
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    let quoted = false;
    let endOfRecord = false;
    while (!endOfRecord) {
      let field = "";
      if (text[i] === '"') {
        quoted = true;
        const quoteLine = line;
        i++;
        for (;;) {
          if (i >= text.length) fail(quoteLine, "a quoted field is not closed (missing \").");
          const c = text[i++];
          if (c === '"') {
            if (text[i] === '"') {
              field += '"';
              i++;
            } else break;
          } else {
            if (c === "\n") line++;
            field += c;
          }
        }
        if (i < text.length && text[i] !== "," && text[i] !== "\n" && !(text[i] === "\r" && text[i + 1] === "\n")) {
          fail(line, `unexpected ${JSON.stringify(text[i])} after a closing quote; quote the whole field and double inner quotes ("").`);
        }
      } else {
        while (i < text.length && text[i] !== "," && text[i] !== "\n" && !(text[i] === "\r" && text[i + 1] === "\n")) {
          if (text[i] === '"') fail(line, 'a quote inside an unquoted field; quote the whole field and double inner quotes ("").');
          field += text[i++];
        }
      }
      fields.push(field);
      if (text[i] === ",") i++;
      else {
        i += text[i] === "\r" ? 2 : 1; // CRLF, LF, or past the end
        line++;
        endOfRecord = true;
      }
    }
    if (quoted || fields.length > 1 || fields[0] !== "") records.push({ fields, line: start });
  }
  return records;
}
