import { Parser, type CST } from "yaml";

/**
 * How deep a lab's YAML may nest. A lab needs about five levels (hosts, a
 * host, interfaces, an interface, network); the YAML library builds its
 * document recursively and runs out of stack somewhere past a thousand, so
 * anything this deep is refused first, at the line it goes too deep.
 */
export const MAX_YAML_DEPTH = 64;

/** The offset of the first node nested deeper than MAX_YAML_DEPTH, or null. */
export function tooDeepAt(text: string): number | null {
  // The CST parser keeps its own stack, so it reads any depth; walk it with one too.
  const todo: Array<[CST.Token, number]> = [];
  for (const tok of new Parser().parse(text)) todo.push([tok, 0]);
  while (todo.length > 0) {
    const [tok, depth] = todo.pop()!;
    if (tok.type === "document") {
      if (tok.value) todo.push([tok.value, depth]);
      continue;
    }
    if (!("items" in tok)) continue;
    if (depth >= MAX_YAML_DEPTH) return tok.offset;
    for (const item of tok.items) {
      if (item.key) todo.push([item.key, depth + 1]);
      if (item.value) todo.push([item.value, depth + 1]);
    }
  }
  return null;
}
