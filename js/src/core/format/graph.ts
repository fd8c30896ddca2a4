/**
 * The graph file: the HNSW graph level by level, every field a uint32.
 * Mirrors mkdocs_embed/format/graph.py; both refuse exactly the graphs the
 * spec rules out, so a search never reads out of bounds.
 */
import { type FileKind, IndexError, u32s } from "./base";
import type { Manifest } from "./manifest";

export const GRAPH: FileKind = { kind: "graph", ext: "bin.zst" };
/** Deeper than any real graph (hnswlib's levels grow with log n); a larger header value is damage. */
const MAX_LEVEL = 64;

export interface GraphLevel {
  /** Node ids on this level, ascending; null on level 0, which holds every node. */
  nodes: Uint32Array | null;
  offsets: Uint32Array;
  links: Uint32Array;
}

export interface Graph {
  n: number;
  maxLevel: number;
  entry: number;
  levels: GraphLevel[];
}

/** Decode the decompressed graph file: level l lists exactly the nodes whose top level is l or more, ascending. */
export function parseGraph(bytes: Uint8Array, manifest: Manifest): Graph {
  const name = manifest.files.graph ?? "graph";
  const corrupt = (what: string) => new IndexError("corrupt", `${name}: ${what}`);
  if (bytes.byteLength % 4 !== 0) throw new IndexError("truncated", `${name} is not whole 32-bit words`);
  let pos = 0;
  const take = (count: number): Uint32Array => {
    const arr = u32s(bytes, pos, count, name);
    pos += 4 * count;
    return arr;
  };
  const [n, maxLevel, entry] = take(3);
  if (n !== manifest.counts.chunks) throw corrupt(`${n} nodes, the manifest says ${manifest.counts.chunks}`);
  if (maxLevel > MAX_LEVEL || (n > 0 && entry >= n)) throw corrupt("the header is damaged");
  const nodeLevel = take(n);
  const reach = new Uint32Array(maxLevel + 2); // reach[l]: nodes whose top level is l or more
  for (let i = 0; i < n; i++) {
    if (nodeLevel[i] > maxLevel) throw corrupt(`node ${i} is above the top level`);
    reach[nodeLevel[i]]++;
  }
  for (let l = maxLevel - 1; l >= 0; l--) reach[l] += reach[l + 1];
  if (n > 0 && nodeLevel[entry] !== maxLevel) throw corrupt("the entry point is below the top level");
  const levels: GraphLevel[] = [];
  for (let l = 0; l <= maxLevel; l++) {
    const [count] = take(1);
    if (count !== reach[l]) throw corrupt(`level ${l} does not list the nodes that reach it`);
    let nodes: Uint32Array | null = null;
    if (l > 0) {
      nodes = take(count);
      for (let i = 0; i < count; i++) {
        if (nodes[i] >= n || (i > 0 && nodes[i] <= nodes[i - 1]) || nodeLevel[nodes[i]] < l) {
          throw corrupt(`level ${l} lists nodes that are not ascending ids on that level`);
        }
      }
    }
    const offsets = take(count + 1);
    if (offsets[0] !== 0) throw corrupt(`level ${l} offsets do not start at 0`);
    for (let i = 0; i < count; i++) if (offsets[i + 1] < offsets[i]) throw corrupt(`level ${l} offsets decrease`);
    const links = take(offsets[count]);
    for (let i = 0; i < links.length; i++) if (links[i] >= n) throw corrupt(`level ${l} links to node ${links[i]}`);
    levels.push({ nodes, offsets, links });
  }
  if (pos !== bytes.byteLength) throw corrupt(`${bytes.byteLength - pos} trailing bytes`);
  return { n, maxLevel, entry, levels };
}
