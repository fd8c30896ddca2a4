import assert from "node:assert/strict";
import { test } from "node:test";
import { pool, truncateIds } from "../src/worker/embedding";

test("truncation keeps the template's special tokens", () => {
  // [CLS] a b c d e [SEP] cut to 5: [CLS] a b c [SEP]
  assert.deepEqual(truncateIds([101, 1, 2, 3, 4, 5, 102], 5, 1, 5), [101, 1, 2, 3, 102]);
  assert.deepEqual(truncateIds([101, 1, 2, 102], 2, 1, 5), [101, 1, 2, 102]);
});

test("mean pooling averages tokens and normalises", () => {
  const hidden = Float32Array.from([1, 0, 3, 4]); // 2 tokens × 2 dims
  const v = pool(hidden, 2, 2, "mean", true);
  assert.ok(Math.abs(v[0] - 2 / Math.hypot(2, 2)) < 1e-7 && Math.abs(v[1] - 2 / Math.hypot(2, 2)) < 1e-7);
  assert.deepEqual(Array.from(pool(hidden, 2, 2, "cls", false)), [1, 0]);
});
