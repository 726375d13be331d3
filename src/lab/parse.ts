import { LineCounter, parseDocument, Scalar, visit, type Document, type YAMLError } from "yaml";
import { LabError, type LabDiagnostic } from "./errors.js";
import { buildLab } from "./build.js";
import { MAX_YAML_DEPTH, tooDeepAt } from "./depth.js";
import { binaryError, positionOf, scriptDiagnostics } from "./script.js";
import { ownScriptLines } from "./script-lines.js";
import type { Lab, SourcePos } from "./types.js";

/*
 * Parsing lab text, with no file access: this module (and all of src/lab but
 * load.ts) also runs in a browser.
 */

export interface LoadedLab {
  lab: Lab;
  warnings: LabDiagnostic[];
}

export const YAML_EXT = /\.ya?ml$/i;
export const SCRIPT_EXT = /\.(sh|bash)$/i;

/** A shell-script lab is one host running the script, then a matrix of every address it made. */
export function parseScriptLab(file: string, text: string): LoadedLab {
  const binary = binaryError(file, text);
  if (binary) throw binary;
  const diags = scriptDiagnostics(file, text);
  if (diags.length) throw new LabError(diags);
  const pos: SourcePos = { file, line: 1, col: 1 };
  const name =
    file
      .replace(/^.*[\\/]/, "")
      .replace(SCRIPT_EXT, "")
      .replace(/[^A-Za-z0-9_.-]/g, "-")
      .replace(/^[^A-Za-z0-9]+/, "") || "script";
  const lab: Lab = {
    name,
    file,
    ipv6: true,
    networks: [],
    hosts: [{ name: "host", interfaces: [], run: text, pos, runPos: pos, runLines: ownScriptLines(file, text) }],
    steps: [{ kind: "matrix", name: "after the script", family: "all", pos }],
  };
  return { lab, warnings: [] };
}

/** A YAML lab: every mistake in it is reported at once, each with where it was written and what would be valid. */
export function parseYamlLab(file: string, text: string): LoadedLab {
  const binary = binaryError(file, text);
  if (binary) throw binary;
  const deep = tooDeepAt(text);
  if (deep !== null) {
    throw new LabError([
      {
        severity: "error",
        pos: positionOf(file, text, deep),
        message: `maps and lists nested more than ${MAX_YAML_DEPTH} deep: a lab needs about five levels (hosts: NAME: interfaces: DEV: network); is a bracket or an indentation off?`,
      },
    ]);
  }
  const lines = new LineCounter();
  // Duplicate keys are found by the checker, which can say where the first one is.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const at = (offset: number): SourcePos => {
    const { line, col } = lines.linePos(offset);
    return { file, line, col };
  };
  // After a syntax error the rest of the document cannot be trusted: report the first one only.
  const syntax = doc.errors[0];
  if (syntax) throw new LabError([{ severity: "error", pos: at(syntaxOffset(syntax, text, doc)), message: yamlMessage(syntax) }]);
  const tags = doc.warnings.filter((w) => w.code === "TAG_RESOLVE_FAILED");
  if (tags.length) {
    throw new LabError(
      tags.map((w) => ({
        severity: "error" as const,
        pos: at(w.pos[0]),
        message: `unknown YAML tag ${firstLine(w.message).replace(/^Unresolved tag: /, "")}: labs use plain YAML; remove the tag`,
      })),
    );
  }
  return buildLab(file, doc, lines, text);
}

/** Where a syntax error is best shown: an unclosed quote where it opens, an indentation error at the line's first character. */
function syntaxOffset(e: YAMLError, text: string, doc: Document): number {
  const offset = e.pos[0];
  if (e.code === "MISSING_CHAR" && /quote/.test(e.message)) {
    let open: number | null = null;
    visit(doc, {
      Scalar(_, node) {
        if ((node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE) && node.range?.[1] === offset) {
          open = node.range[0];
          return visit.BREAK;
        }
      },
    });
    return open ?? offset;
  }
  if (e.code !== "TAB_AS_INDENT") {
    const lineStart = text.lastIndexOf("\n", offset - 1) + 1;
    if (/^[ ]*$/.test(text.slice(lineStart, offset))) {
      const first = text.slice(lineStart).search(/[^ ]/);
      if (first >= 0 && text[lineStart + first] !== "\n") return lineStart + first;
    }
  }
  return offset;
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}

function yamlMessage(e: YAMLError): string {
  const first = firstLine(e.message);
  switch (e.code) {
    case "TAB_AS_INDENT":
      return "a tab in the indentation: YAML indents with spaces only; replace the tab with spaces";
    case "MULTIPLE_DOCS":
      return "a second YAML document starts here (---): a lab file holds one document; remove the --- or split the file";
    case "BLOCK_AS_IMPLICIT_KEY":
      return 'YAML syntax: ": " inside a value starts a nested map: put the value in quotes, or write it as a block (run: | and the commands below)';
    case "MULTILINE_IMPLICIT_KEY":
      return 'YAML syntax: a key must be on one line: is the ":" after a key missing (here or on the line above)?';
    case "BAD_INDENT":
      return /same column/.test(first)
        ? "YAML syntax: this line is not lined up with the keys above it: keys of one map start at the same column"
        : `YAML syntax: ${first} (check the indentation)`;
    case "MISSING_CHAR":
      if (/quote/.test(first)) return `YAML syntax: the quoted value that starts here never ends: add the closing ${first.includes("'") ? "'" : '"'}`;
      if (/Implicit map keys need to be followed/.test(first)) return 'YAML syntax: this line has no ":": write key: value (or, if it continues the value above, put that value in quotes or under |)';
      if (/Missing space after :/.test(first)) return `YAML syntax: ${first}: put a space after the ':' (e.g. {network: vmnet8})`;
      if (/without - indicator/.test(first)) return 'YAML syntax: this line is not lined up with the list item above it: the keys of a list item start in the column after "- "';
      return `YAML syntax: ${first}`;
    case "BAD_SCALAR_START":
      return `YAML syntax: ${first}: put the value in quotes`;
    default:
      return `YAML syntax: ${first}`;
  }
}
