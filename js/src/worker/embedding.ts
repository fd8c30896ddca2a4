/**
 * The numeric half of the query encoder, kept free of onnxruntime so that it
 * runs in node tests: pooling and normalisation exactly as the
 * Python encoder (mkdocs_embed/embed/encoder.py) does them.
 */

/**
 * Pool a [tokens × dims] hidden state (row-major) to one vector: `mean` over
 * all tokens (queries are never padded, so the attention mask is all ones) or
 * the first token for `cls`; then L2-normalise when asked.
 */
export function pool(hidden: Float32Array, tokens: number, dims: number, pooling: "mean" | "cls", normalize: boolean): Float32Array {
  const out = new Float64Array(dims);
  if (pooling === "cls") {
    for (let j = 0; j < dims; j++) out[j] = hidden[j];
  } else {
    for (let t = 0; t < tokens; t++) for (let j = 0; j < dims; j++) out[j] += hidden[t * dims + j];
    for (let j = 0; j < dims; j++) out[j] /= tokens;
  }
  if (normalize) {
    let norm = 0;
    for (let j = 0; j < dims; j++) norm += out[j] * out[j];
    norm = Math.max(Math.sqrt(norm), 1e-12);
    for (let j = 0; j < dims; j++) out[j] /= norm;
  }
  return Float32Array.from(out);
}
