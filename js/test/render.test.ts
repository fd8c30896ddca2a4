import assert from "node:assert/strict";
import { test } from "node:test";
import { termPattern } from "../src/ui/render";

const marked = (terms: string[], text: string) => [...text.matchAll(termPattern(terms)!)].map((m) => m[0]);

test("highlights cover whole words: a stem marks each word it starts, to its last letter", () => {
  assert.deepEqual(marked(["machin", "onc"], "Machines run once, a machine at a time"), ["Machines", "once", "machine"]);
  assert.deepEqual(marked(["instal"], "Install it; reinstall is another word"), ["Install"]);
  assert.deepEqual(marked(["site_dir"], "set site_dir, not site_dirs"), ["site_dir", "site_dirs"]);
  assert.equal(termPattern(["a"]), null, "one letter marks nothing");
});
