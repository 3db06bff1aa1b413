/** Characters XML 1.0 forbids (C0 controls but tab / newline / CR, U+FFFE/U+FFFF) and lone surrogates. */
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * `text` safe inside HTML or XML element content and quoted attributes: `& < > " '` escaped, characters XML
 * forbids replaced by `�`.
 */
export function escapeMarkup(text: string): string {
  return text.replace(INVALID_XML, "\ufffd").replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/**
 * `value` as JSON safe to embed in an HTML `<script>` element: `<`, `>`, `&`, U+2028 and U+2029 written as
 * `\uXXXX` escapes, so the data can neither close the script nor break a JS parser. NaN and ±Infinity → null.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
