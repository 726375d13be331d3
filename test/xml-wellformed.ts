/**
 * A small XML 1.0 reader for the reports tests: elements, attributes, text,
 * character and the five predefined entity references, one <?xml?> declaration.
 * Throws at the first thing that is not well-formed (unbalanced tags, a raw < or
 * & in text or an attribute, a duplicate attribute, a character XML forbids).
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

export function parseXml(src: string): XmlElement {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`not well-formed XML at offset ${i}: ${why}`);
  };
  for (const ch of src) {
    const c = ch.codePointAt(0)!;
    const ok = c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c >= 0x10000;
    if (!ok) fail(`character U+${c.toString(16)} is not allowed`);
  }
  const isNameChar = (c: string) => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c === "-" || c === "_" || c === ":" || c === ".";
  const space = () => {
    while (i < src.length && " \t\r\n".includes(src[i]!)) i++;
  };
  const name = () => {
    const start = i;
    while (i < src.length && isNameChar(src[i]!)) i++;
    if (i === start) fail("a name expected");
    return src.slice(start, i);
  };
  const reference = (): string => {
    const end = src.indexOf(";", i);
    if (end < 0) fail("& without ;");
    const ref = src.slice(i + 1, end);
    i = end + 1;
    if (ref.startsWith("#x")) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith("#")) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return ENTITIES[ref] ?? fail(`unknown entity &${ref};`);
  };
  const chars = (stop: string): string => {
    let out = "";
    while (i < src.length && !stop.includes(src[i]!)) {
      if (src[i] === "&") out += reference();
      else out += src[i++];
    }
    return out;
  };
  const element = (): XmlElement => {
    if (src[i] !== "<") fail("< expected");
    i++;
    const el: XmlElement = { name: name(), attrs: {}, children: [], text: "" };
    for (;;) {
      space();
      if (src.startsWith("/>", i)) {
        i += 2;
        return el;
      }
      if (src[i] === ">") {
        i++;
        break;
      }
      const a = name();
      space();
      if (src[i] !== "=") fail("= expected");
      i++;
      space();
      const quote = src[i];
      if (quote !== '"' && quote !== "'") fail("a quoted value expected");
      i++;
      const value = chars(quote + "<");
      if (src[i] !== quote) fail(`${quote} expected, or < in an attribute`);
      i++;
      if (a in el.attrs) fail(`attribute ${a} twice`);
      el.attrs[a] = value;
    }
    for (;;) {
      const text = chars("<");
      if (src.slice(i - text.length, i).includes("]]>")) fail("]]> in text");
      el.text += text;
      if (i >= src.length) fail(`</${el.name}> missing`);
      if (src.startsWith("</", i)) {
        i += 2;
        const closing = name();
        if (closing !== el.name) fail(`</${closing}> closes <${el.name}>`);
        space();
        if (src[i] !== ">") fail("> expected");
        i++;
        return el;
      }
      el.children.push(element());
    }
  };
  if (src.startsWith("<?xml")) {
    const end = src.indexOf("?>");
    if (end < 0) fail("unterminated declaration");
    i = end + 2;
  }
  space();
  const root = element();
  space();
  if (i !== src.length) fail("content after the root element");
  return root;
}
