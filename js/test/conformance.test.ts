/**
 * The conformance corpus (tests/fixtures/conformance): the TypeScript reader
 * gives every case the verdict that tests/test_conformance.py holds the
 * Python reader to, so the two readers agree on every file of the corpus.
 * A case loads as the widget loads it (Engine: manifest, pages, lexical head,
 * vectors and graph, every fragment), and then every postings file with
 * every posting list checked, as Python checks them on load.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { Engine, type Fetch } from "../src/core/engine";
import { IndexError, decompress } from "../src/core/format/base";
import { parseGraph } from "../src/core/format/graph";
import { Shard, parseHead } from "../src/core/format/lexical";
import { parseManifest } from "../src/core/format/manifest";
import { parseFragment, parsePages } from "../src/core/format/pages";
import { parseVectors } from "../src/core/format/vectors";
import { fixture, fixturePath } from "./fixtures";
import { buildLexical, encodeFragment, encodeGraph, encodePages, encodeVectors } from "./helpers/index-builder";

interface Case {
  name: string;
  verdict: "ok" | "refused";
  file: string | null;
  remove: string[];
}

const CASES: Case[] = JSON.parse(fixture("conformance", "cases.json"));
const BASE = "https://docs.example/assets/mkdocs-embed/";

/** The case's index: the base files, the case's own over them, less `remove`. */
function filesOf(c: Case): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const folder of [fixturePath("conformance", "base"), join(fixturePath("conformance", "cases"), c.name)]) {
    if (!existsSync(folder)) continue;
    for (const name of readdirSync(folder)) files.set(name, new Uint8Array(readFileSync(join(folder, name))));
  }
  for (const name of c.remove) files.delete(name);
  return files;
}

async function loadEverything(files: Map<string, Uint8Array>): Promise<void> {
  const fetch: Fetch = async (url) => {
    const data = files.get(url.slice(BASE.length));
    return data === undefined ? new Response("not found", { status: 404 }) : new Response(data as unknown as BodyInit);
  };
  const engine = await Engine.load(BASE, fetch);
  if (engine.hasDense) await engine.loadDense();
  await engine.loadSections(Array.from({ length: engine.manifest.counts.chunks }, (_, i) => i));
  // Every postings file, every list: the widget checks a list before its first use, Python all on load.
  const manifest = parseManifest(JSON.parse(new TextDecoder().decode(files.get("manifest.json"))));
  const headName = manifest.files.lexical as string;
  const head = parseHead(decompress(headName, files.get(headName) as Uint8Array), headName, manifest.counts.chunks);
  head.postings.forEach((name, i) => {
    const stored = files.get(name);
    if (stored === undefined) throw new IndexError("network", `could not download ${name} (HTTP 404)`);
    const shard = new Shard(decompress(name, stored), name, i, head.postings.length, head.lengths.length);
    for (const term of shard.terms.values()) shard.check(term);
  });
}

for (const c of CASES) {
  test(`conformance: ${c.name} is ${c.verdict}`, async () => {
    const loading = loadEverything(filesOf(c));
    if (c.verdict === "ok") return loading;
    await assert.rejects(loading, (err: unknown) => {
      assert.ok(err instanceof IndexError, `not an IndexError: ${String(err)}`);
      assert.ok(err.message.includes(c.file as string), `the error does not name ${c.file}: ${err.message}`);
      return true;
    });
  });
}

test("the corpus has cases of both verdicts", () => {
  assert.ok(CASES.filter((c) => c.verdict === "ok").length >= 5 && CASES.filter((c) => c.verdict === "refused").length >= 50);
});

test("the JS test writer (test/helpers/index-builder.ts) writes Python's bytes for the corpus's base index", () => {
  const files = filesOf(CASES.find((c) => c.name === "ok") as Case);
  const manifest = parseManifest(JSON.parse(new TextDecoder().decode(files.get("manifest.json"))));
  const raw = (name: string) => decompress(name, files.get(name) as Uint8Array);
  const n = manifest.counts.chunks;
  // pages and fragments
  const pagesName = manifest.files.pages as string;
  const pages = parsePages(raw(pagesName), manifest);
  const below = pages.path.map((p) => p.slice(1));
  const hashes = pages.fragments.map((name) => name.split(".")[1]);
  const titled = pages.url.map((url, p) => ({ url, title: pages.title[p] }));
  assert.deepEqual(encodePages(titled, Array.from(pages.first), below, hashes), raw(pagesName));
  const texts: string[] = [];
  pages.fragments.forEach((name, p) => {
    const rows = (p + 1 < pages.first.length ? pages.first[p + 1] : n) - pages.first[p];
    const fragment = parseFragment(raw(name), name, rows);
    assert.deepEqual(encodeFragment(fragment.anchor, fragment.text), raw(name));
    texts.push(...fragment.text);
  });
  // lexical head and postings
  const headName = manifest.files.lexical as string;
  const head = parseHead(raw(headName), headName, n);
  const lexical = buildLexical(texts.map((text, i) => ({ path: pages.path[i], text })), head.postings.length, (i) => head.postings[i], head.stopwords);
  assert.deepEqual(lexical.head, raw(headName));
  for (const [name, bytes] of lexical.postings) assert.deepEqual(bytes, raw(name), name);
  // vectors and graph
  const vectorsName = manifest.files.vectors as string;
  const vectors = parseVectors(raw(vectorsName), manifest);
  assert.deepEqual(encodeVectors(vectors.scale, vectors.q, vectors.dims), raw(vectorsName));
  const graphName = manifest.files.graph as string;
  const graph = parseGraph(raw(graphName), manifest);
  const levels = graph.levels.map((level) => {
    const nodes = level.nodes ?? Uint32Array.from({ length: n }, (_, i) => i);
    return new Map(Array.from(nodes, (node, i) => [node, Array.from(level.links.subarray(level.offsets[i], level.offsets[i + 1]))]));
  });
  assert.deepEqual(encodeGraph({ entry: graph.entry, levels }, n), raw(graphName));
});
