/**
 * Operator token numbers of the GopherJS build of mvdan/sh, which exposes Go's
 * token enum as bare numbers. They belong to the exact version pinned in
 * package.json (mvdan-sh 0.10.1); test/shell-parse.test.ts checks them.
 */
export const BIN_CMD: Record<number, "&&" | "||" | "|" | "|&"> = { 10: "&&", 11: "||", 12: "|", 13: "|&" };

export const REDIR: Record<number, string> = {
  54: ">", 55: ">>", 56: "<", 57: "<>", 58: "<&", 59: ">&", 60: ">|",
  61: "<<", 62: "<<-", 63: "<<<", 64: "&>", 65: "&>>",
};

export const PARAM_EXP: Record<number, string> = {
  68: "+", 69: ":+", 70: "-", 71: ":-", 72: "?", 73: ":?", 74: "=", 75: ":=",
  76: "%", 77: "%%", 78: "#", 79: "##", 80: "^", 81: "^^", 82: ",", 83: ",,", 84: "@",
};

export const TEST_BINARY: Record<number, string> = {
  10: "&&", 11: "||", 40: "==", 41: "!=", 74: "=", 54: ">", 56: "<", 112: "=~", 113: "-nt",
  116: "-eq", 117: "-ne", 118: "-le", 119: "-ge", 120: "-lt", 121: "-gt",
};

export const TEST_UNARY: Record<number, string> = {
  34: "!", 88: "-e", 89: "-f", 90: "-d", 95: "-L", 102: "-r", 104: "-x", 105: "-s", 107: "-z", 108: "-n",
};

export const ARITH_BINARY: Record<number, string> = {
  68: "+", 70: "-", 38: "*", 85: "/", 76: "%", 39: "**", 40: "==", 41: "!=",
  56: "<", 54: ">", 42: "<=", 43: ">=", 10: "&&", 11: "||",
  9: "&", 12: "|", 80: "^", 61: "<<", 55: ">>", 82: ",",
};

export const ARITH_ASSIGN: Record<number, string> = {
  74: "=", 44: "+=", 45: "-=", 46: "*=", 47: "/=", 48: "%=", 49: "&=", 50: "|=", 51: "^=", 52: "<<=", 53: ">>=",
};

export const ARITH_UNARY: Record<number, string> = { 34: "!", 35: "~", 70: "-", 68: "+" };
