import Graph from "graphology";
import { parse as parseGexf } from "graphology-gexf";
import { parse as parseGraphMl } from "graphology-graphml";
import { describe, expect, it } from "vitest";
import type { QueryTable } from "../api/client.js";
import { edgesOf, guessEdgeColumns, toEdgeCsv, toGexf, toGraphMl, type GraphEdge } from "./graph-export.js";

const table: QueryTable = {
  name: "PrimaryResult",
  columns: [
    { name: "Computer", type: "string" },
    { name: "RemoteIp", type: "string" },
    { name: "Bytes", type: "long" },
  ],
  rows: [
    ['web <1> & "co"', "10.0.0.2", 100],
    ['web <1> & "co"', "10.0.0.2", 50],
    ["db,1", 'web <1> & "co"', 7],
    ["", "10.0.0.9", 1],
  ],
};

/** Reads a parsed graph back as edges, by the nodes' labels. */
function edgesIn(graph: Graph): GraphEdge[] {
  const label = (node: string): string => String(graph.getNodeAttribute(node, "label"));
  return graph
    .mapEdges((_edge, attributes, source, target) => ({
      source: label(source),
      target: label(target),
      weight: Number(attributes["weight"]),
    }))
    .sort((a, b) => a.weight - b.weight);
}

describe("graph export", () => {
  const columns = guessEdgeColumns(table);
  const edges = edgesOf(table, columns ?? { source: "", target: "" });

  it("finds the source, target and weight columns and merges repeated edges", () => {
    expect(columns).toEqual({ source: "Computer", target: "RemoteIp", weight: "Bytes" });
    expect(edges).toEqual([
      { source: 'web <1> & "co"', target: "10.0.0.2", weight: 150 },
      { source: "db,1", target: 'web <1> & "co"', weight: 7 },
    ]);
  });

  it("writes GraphML that a GraphML reader loads back into the same graph", () => {
    const graph = parseGraphMl(Graph, toGraphMl(edges));
    expect(graph.order).toBe(3);
    expect(edgesIn(graph)).toEqual([...edges].sort((a, b) => a.weight - b.weight));
  });

  it("writes GEXF that Gephi's format reader loads back into the same graph", () => {
    const graph = parseGexf(Graph, toGexf(edges));
    expect(graph.order).toBe(3);
    expect(edgesIn(graph)).toEqual([...edges].sort((a, b) => a.weight - b.weight));
  });

  it("writes a Source,Target,Weight edge list", () => {
    expect(toEdgeCsv(edges)).toBe(
      'Source,Target,Weight\r\n"web <1> & ""co""",10.0.0.2,150\r\n"db,1","web <1> & ""co""",7\r\n',
    );
  });
});
