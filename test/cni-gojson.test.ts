import { test } from "node:test";
import assert from "node:assert/strict";
import { jsonSyntaxError } from "../src/userland/cni/gojson.js";

// encoding/json's SyntaxError texts, as a CNI plugin prints them for a bad network config.
test("JSON syntax errors read as Go's encoding/json writes them", () => {
  const cases: [string, string | null][] = [
    ['{"a":[1,{"b":2}],"c":3}', null],
    ['{"a":1 x', "invalid character 'x' after object key:value pair"],
    ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
    ["[1 x", "invalid character 'x' after array element"],
    ["[1,]", "invalid character ']' looking for beginning of value"],
    ["[1,", "unexpected end of JSON input"],
    ["[1", "unexpected end of JSON input"],
  ];
  for (const [text, want] of cases) assert.equal(jsonSyntaxError(text), want, text);
});
