// The GopherJS build of mvdan/sh ships no types; these cover only the nodes ipvlab reads.
declare module "mvdan-sh" {
  export interface MvPos {
    Line(): number;
    Col(): number;
    IsValid(): boolean;
  }
  export interface MvNode {
    Pos(): MvPos;
  }
  export interface MvLit extends MvNode {
    Value: string;
  }
  export interface MvWord extends MvNode {
    Parts: MvNode[];
  }
  export interface MvStmt extends MvNode {
    Cmd: MvNode | null;
    Redirs: MvRedirect[];
    Negated: boolean;
    Background: boolean;
    Coprocess: boolean;
  }
  export interface MvRedirect extends MvNode {
    Op: number;
    N: MvLit | null;
    Word: MvWord | null;
    Hdoc: MvWord | null;
  }
  export interface MvFile extends MvNode {
    Stmts: MvStmt[];
  }
  export interface MvError {
    Error(): string;
    Text: string;
    Incomplete: boolean;
  }
  export interface MvParser {
    Parse(src: string, name: string): MvFile;
  }
  export interface MvSyntax {
    NewParser(...opts: unknown[]): MvParser;
    NodeType(node: MvNode): string;
    LangBash: unknown;
    Variant(lang: unknown): unknown;
  }
  const sh: { syntax: MvSyntax };
  export default sh;
}
