import assert from "node:assert/strict";
import { test } from "node:test";
import { pool } from "../src/worker/embedding";

test("mean pooling averages tokens and normalises", () => {
  const hidden = Float32Array.from([1, 0, 3, 4]); // 2 tokens × 2 dims
  const v = pool(hidden, 2, 2, "mean", true);
  assert.ok(Math.abs(v[0] - 2 / Math.hypot(2, 2)) < 1e-7 && Math.abs(v[1] - 2 / Math.hypot(2, 2)) < 1e-7);
  assert.deepEqual(Array.from(pool(hidden, 2, 2, "cls", false)), [1, 0]);
});
