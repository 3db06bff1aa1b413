/**
 * A small XML well-formedness check: one root, balanced tags, quoted unique attributes, text and attribute values
 * free of raw `<` and of `&` that does not start an entity. Returns the element names in document order.
 */
export function checkWellFormed(xml: string): string[] {
  const names: string[] = [];
  const stack: string[] = [];
  const entity = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
  let roots = 0;
  let rest = xml.trim();
  while (rest.length > 0) {
    if (rest.startsWith("<")) {
      const tag = /^<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/.exec(rest);
      if (!tag) throw new Error(`malformed tag at: ${rest.slice(0, 60)}`);
      const [whole, closing, name, attrs, selfClosing] = tag;
      const attrNames = [...attrs.matchAll(/([\w:.-]+)="([^"]*)"/g)].map((a) => {
        if (entity.test(a[2])) throw new Error(`raw & in attribute ${a[1]} of <${name}>`);
        return a[1];
      });
      if (new Set(attrNames).size !== attrNames.length) throw new Error(`duplicate attribute in <${name}>`);
      if (closing) {
        if (stack.pop() !== name) throw new Error(`unbalanced </${name}>`);
      } else {
        if (stack.length === 0) roots++;
        names.push(name);
        if (!selfClosing) stack.push(name);
      }
      rest = rest.slice(whole.length);
    } else {
      const end = rest.indexOf("<");
      const text = end < 0 ? rest : rest.slice(0, end);
      if (stack.length === 0 && text.trim() !== "") throw new Error("text outside the root element");
      if (entity.test(text) || text.includes(">")) throw new Error(`unescaped text: ${text}`);
      rest = end < 0 ? "" : rest.slice(end);
    }
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join("> <")}>`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
  return names;
}
