// Edges (source, target, weight) as the files network tools open: GraphML (yEd, Gephi, NetworkX), GEXF
// (Gephi's own) and a CSV edge list (Gephi's import, Power BI's network visuals). Pure functions over rows, so
// the map can export its edges with the same code as any query result.

import type { QueryTable } from "../api/client.js";

export interface GraphEdge {
  readonly source: string;
  readonly target: string;
  readonly weight: number;
}

export interface EdgeColumns {
  readonly source: string;
  readonly target: string;
  /** Leave out for a weight of 1 per row. */
  readonly weight?: string;
}

/** Which columns are the source, target and weight, by their names, when a result has obvious ones. */
export function guessEdgeColumns(table: QueryTable): EdgeColumns | undefined {
  const names = table.columns.map((c) => c.name);
  const find = (...patterns: RegExp[]): string | undefined =>
    patterns.map((p) => names.find((n) => p.test(n))).find((n) => n !== undefined);
  const source = find(/^source$/i, /^from$/i, /^src/i, /^source/i, /^Computer$/i, /^Machine$/i);
  const target = find(/^target$/i, /^to$/i, /^dst/i, /^dest/i, /^target/i, /^Remote/i);
  if (source === undefined || target === undefined || source === target) return undefined;
  const weight = table.columns.find(
    (c) => c.name !== source && c.name !== target && ["long", "int", "real", "decimal"].includes(c.type),
  )?.name;
  return weight === undefined ? { source, target } : { source, target, weight };
}

/** The table's rows as edges; rows with the same source and target are merged, their weights added. */
export function edgesOf(table: QueryTable, columns: EdgeColumns): GraphEdge[] {
  const index = (name: string): number => {
    const i = table.columns.findIndex((c) => c.name === name);
    if (i < 0) throw new Error(`the result has no column '${name}'`);
    return i;
  };
  const s = index(columns.source);
  const t = index(columns.target);
  const w = columns.weight === undefined ? undefined : index(columns.weight);
  const merged = new Map<string, GraphEdge>();
  for (const row of table.rows) {
    const source = String(row[s] ?? "");
    const target = String(row[t] ?? "");
    if (source === "" || target === "") continue;
    const weight = w === undefined ? 1 : Number(row[w] ?? 0);
    const key = JSON.stringify([source, target]);
    const before = merged.get(key);
    merged.set(key, {
      source,
      target,
      weight: (before?.weight ?? 0) + (Number.isFinite(weight) ? weight : 0),
    });
  }
  return [...merged.values()];
}

function nodesOf(edges: readonly GraphEdge[]): string[] {
  return [...new Set(edges.flatMap((e) => [e.source, e.target]))];
}

function xml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&apos;")
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "");
}

export function toGraphMl(edges: readonly GraphEdge[]): string {
  const nodes = nodesOf(edges);
  const ids = new Map(nodes.map((n, i) => [n, `n${i}`]));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
    '  <key id="label" for="node" attr.name="label" attr.type="string"/>',
    '  <key id="weight" for="edge" attr.name="weight" attr.type="double"/>',
    '  <graph id="G" edgedefault="directed">',
    ...nodes.map((n) => `    <node id="${ids.get(n)}"><data key="label">${xml(n)}</data></node>`),
    ...edges.map(
      (e, i) =>
        `    <edge id="e${i}" source="${ids.get(e.source)}" target="${ids.get(e.target)}">` +
        `<data key="weight">${e.weight}</data></edge>`,
    ),
    "  </graph>",
    "</graphml>",
    "",
  ].join("\n");
}

export function toGexf(edges: readonly GraphEdge[]): string {
  const nodes = nodesOf(edges);
  const ids = new Map(nodes.map((n, i) => [n, `n${i}`]));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<gexf xmlns="http://gexf.net/1.3" version="1.3">',
    '  <graph defaultedgetype="directed" mode="static">',
    "    <nodes>",
    ...nodes.map((n) => `      <node id="${ids.get(n)}" label="${xml(n)}"/>`),
    "    </nodes>",
    "    <edges>",
    ...edges.map(
      (e, i) =>
        `      <edge id="e${i}" source="${ids.get(e.source)}" target="${ids.get(e.target)}" weight="${e.weight}"/>`,
    ),
    "    </edges>",
    "  </graph>",
    "</gexf>",
    "",
  ].join("\n");
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Gephi's spreadsheet import reads the Source, Target and Weight headers as they are. */
export function toEdgeCsv(edges: readonly GraphEdge[]): string {
  const lines = [
    "Source,Target,Weight",
    ...edges.map((e) => `${csvField(e.source)},${csvField(e.target)},${e.weight}`),
  ];
  return `${lines.join("\r\n")}\r\n`;
}
