// The API's nodes and edges as Cytoscape elements and styles. Client and server port groups that the user
// expanded get their members as child nodes; everything else maps one to one.

import type { ElementDefinition, StylesheetJson } from "cytoscape";
import type { MapEdge, MapNode } from "@svcmap/model";
import { themeColor } from "../shell/theme.js";
import { formatBytes, formatCount, formatMs } from "./format.js";
import { roleIconUri } from "./role-icons.js";

export interface MapGraph {
  readonly nodes: readonly MapNode[];
  readonly edges: readonly MapEdge[];
}

/** The most members drawn inside an expanded group; the rest are counted in one more node. */
export const maxDrawnMembers = 40;

export function isExpandable(node: MapNode): boolean {
  return (node.kind === "clientGroup" || node.kind === "serverPortGroup") && (node.members?.length ?? 0) > 0;
}

export function nodeCaption(node: MapNode): string {
  switch (node.kind) {
    case "clientGroup":
      return node.count === undefined
        ? node.label
        : `${formatCount(node.count)} client${node.count === 1 ? "" : "s"}`;
    case "serverPortGroup":
      return node.count === undefined
        ? node.label
        : `${node.label}\n${formatCount(node.count)} server${node.count === 1 ? "" : "s"}`;
    case "aggregate":
      return `${node.label}\n${formatCount(node.count ?? 0)} machine${node.count === 1 ? "" : "s"}`;
    default:
      return node.label;
  }
}

export function edgeDescription(edge: MapEdge): string {
  const parts = [
    `${formatCount(edge.links)} links`,
    `${formatCount(edge.failedLinks)} failed`,
    `${formatBytes(edge.bytesSent)} sent`,
    `${formatBytes(edge.bytesReceived)} received`,
    `response time ${formatMs(edge.responseTimeMs)}`,
  ];
  if (edge.ports.length > 0)
    parts.unshift(`port${edge.ports.length === 1 ? "" : "s"} ${edge.ports.join(", ")}`);
  return parts.join(" · ");
}

export function toElements(graph: MapGraph, expanded: ReadonlySet<string>): ElementDefinition[] {
  const ids = new Set(graph.nodes.map((n) => n.id));
  const elements: ElementDefinition[] = [];
  for (const node of graph.nodes) {
    const classes: string[] = [node.kind];
    if (node.focus) classes.push("focus");
    if ((node.failedLinks ?? 0) > 0) classes.push("failing");
    const role = node.roles?.[0];
    if (role !== undefined && node.kind === "process") classes.push(`role-${role}`);
    if (node.unattributed) classes.push("unattributed");
    const open = isExpandable(node) && expanded.has(node.id);
    if (open) classes.push("expanded");
    elements.push({
      group: "nodes",
      data: {
        id: node.id,
        label: open ? node.label : nodeCaption(node),
        kind: node.kind,
        // Aggregates are boxes around their caption, however long a site or group name is.
        width: Math.max(
          90,
          7.5 *
            Math.max(
              ...nodeCaption(node)
                .split("\n")
                .map((l) => l.length),
            ) +
            20,
        ),
        ...(node.parent !== undefined && ids.has(node.parent) ? { parent: node.parent } : {}),
        ...(node.note === undefined ? {} : { tooltip: node.note }),
      },
      classes,
    });
    if (open) {
      const members = node.members ?? [];
      for (const member of members.slice(0, maxDrawnMembers)) {
        elements.push({
          group: "nodes",
          data: {
            id: `${node.id}|${member.ip}`,
            label: member.name ?? member.ip,
            kind: "member",
            parent: node.id,
          },
          classes: ["member"],
        });
      }
      if (members.length > maxDrawnMembers) {
        elements.push({
          group: "nodes",
          data: {
            id: `${node.id}|more`,
            label: `… ${members.length - maxDrawnMembers} more`,
            kind: "member",
            parent: node.id,
          },
          classes: ["member"],
        });
      }
    }
  }
  const maxLinks = Math.max(1, ...graph.edges.map((e) => e.links + e.failedLinks));
  /** Beyond this many edges, straight "haystack" edges keep drawing fast (they have no arrowheads). */
  const bulk = graph.edges.length > 400;
  for (const edge of graph.edges) {
    if (!ids.has(edge.source) || !ids.has(edge.target)) continue;
    const classes: string[] = [];
    if (edge.failedLinks > 0) classes.push("failed");
    if (edge.workedBefore) classes.push("regression");
    if (edge.selfLink) classes.push("self");
    if (bulk) classes.push("bulk");
    elements.push({
      group: "edges",
      data: {
        id: edge.id,
        source: edge.source,
        target: edge.target,
        width: 1.5 + 4 * Math.sqrt((edge.links + edge.failedLinks) / maxLinks),
        label: edge.workedBefore ? "fails now · worked the day before" : "",
      },
      classes,
    });
  }
  return elements;
}

export function mapStylesheet(): StylesheetJson {
  const c = {
    fg: themeColor("--fg"),
    muted: themeColor("--fg-muted"),
    bg: themeColor("--bg"),
    raised: themeColor("--bg-raised"),
    sunken: themeColor("--bg-sunken"),
    border: themeColor("--border"),
    accent: themeColor("--accent"),
    danger: themeColor("--danger"),
    warning: themeColor("--warning"),
    edge: themeColor("--edge"),
  };
  // Machines, process groups and an opened aggregate are boxes around their contents, named on top.
  const compound = {
    shape: "round-rectangle",
    "text-valign": "top",
    "text-halign": "center",
    "text-margin-y": -4,
    "font-weight": "bold",
    "background-color": c.sunken,
    "background-opacity": 0.5,
    padding: "14px",
  } as const;
  const roles = ["webserver", "appserver", "databaseserver", "ldapserver", "smbserver"] as const;
  return [
    {
      selector: "node",
      style: {
        label: "data(label)",
        color: c.fg,
        "font-size": 11,
        "text-wrap": "wrap",
        "text-max-width": "140px",
        "text-valign": "bottom",
        "text-margin-y": 4,
        "background-color": c.raised,
        "border-color": c.border,
        "border-width": 1,
      },
    },
    { selector: "node.machine, node.processGroup", style: compound },
    { selector: "node.processGroup", style: { "border-style": "dashed", "font-weight": "normal" } },
    {
      selector: "node.machine.focus, node.aggregate.focus",
      style: { "border-color": c.accent, "border-width": 2 },
    },
    {
      selector: "node.machine:childless",
      style: { width: 48, height: 32, "text-valign": "bottom", "text-margin-y": 4 },
    },
    {
      selector: "node.process",
      style: {
        shape: "round-rectangle",
        width: 30,
        height: 30,
        "background-color": c.bg,
        "border-color": c.accent,
        "border-width": 1.5,
        "background-fit": "none",
        "background-width": "20px",
        "background-height": "20px",
      },
    },
    ...roles.map((role) => ({
      selector: `node.role-${role}`,
      style: { "background-image": roleIconUri(role, c.accent) },
    })),
    {
      selector: "node.clientGroup, node.serverPortGroup",
      style: {
        shape: "ellipse",
        width: 34,
        height: 34,
        "background-color": c.raised,
        "border-color": c.muted,
      },
    },
    { selector: "node.serverPortGroup", style: { shape: "hexagon" } },
    {
      selector: "node.expanded",
      style: {
        shape: "round-rectangle",
        "text-valign": "top",
        "text-margin-y": -4,
        "border-style": "dotted",
      },
    },
    {
      selector: "node.member",
      style: { shape: "ellipse", width: 10, height: 10, "font-size": 9, color: c.muted },
    },
    {
      selector: "node.aggregate",
      style: {
        shape: "round-rectangle",
        width: "data(width)",
        height: 40,
        "font-size": 12,
        "text-valign": "center",
        "background-color": c.raised,
        "border-color": c.accent,
      },
    },
    { selector: "node.aggregate:parent", style: compound },
    {
      selector: "node.process.unattributed",
      style: { "border-style": "dashed", "border-color": c.muted, color: c.muted, "font-style": "italic" },
    },
    { selector: "node.failing", style: { "border-color": c.danger, "border-width": 2 } },
    {
      selector: "node:selected",
      style: { "overlay-color": c.accent, "overlay-opacity": 0.18, "overlay-padding": 4, "border-width": 3 },
    },
    {
      selector: "edge",
      style: {
        width: "data(width)",
        "line-color": c.edge,
        "target-arrow-color": c.edge,
        "target-arrow-shape": "triangle",
        "curve-style": "bezier",
        "arrow-scale": 0.9,
        opacity: 0.85,
        label: "data(label)",
        "font-size": 10,
        color: c.danger,
        "text-background-color": c.bg,
        "text-background-opacity": 0.85,
        "text-background-padding": "2px",
      },
    },
    {
      selector: "edge.failed",
      style: { "line-color": c.danger, "target-arrow-color": c.danger, "line-style": "dashed", opacity: 1 },
    },
    { selector: "edge.regression", style: { "line-dash-pattern": [8, 4], width: 4, "font-weight": "bold" } },
    {
      selector: "edge.self",
      style: { "curve-style": "bezier", "loop-direction": "-45deg", "loop-sweep": "60deg" },
    },
    {
      selector: "edge:selected",
      style: { "overlay-color": c.accent, "overlay-opacity": 0.25, "overlay-padding": 3 },
    },
  ];
}
