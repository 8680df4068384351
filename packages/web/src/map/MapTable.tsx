// The map as tables: every node and every connection, with the same actions as the canvas, for keyboard
// and screen-reader users (and anyone who wants to sort through a busy map by reading).

import type { MapEdge, MapNode } from "@svcmap/model";
import { formatBytes, formatCount, formatMs } from "./format.js";
import type { MapGraph } from "./graph-elements.js";

interface Props {
  readonly graph: MapGraph;
  readonly selected: string;
  readonly onSelect: (id: string) => void;
  readonly actionsFor: (id: string) => readonly { label: string; action: () => void }[];
  /** A node's name as the page shows it (a process with its machine). */
  readonly nameOf: (id: string) => string;
}

const kindNames: Readonly<Record<MapNode["kind"], string>> = {
  machine: "Machine",
  processGroup: "Process group",
  process: "Process",
  clientGroup: "Client group",
  serverPortGroup: "Server port group",
  aggregate: "Machines",
};

export function MapTable({ graph, selected, onSelect, actionsFor, nameOf }: Props) {
  const status = (e: MapEdge): string =>
    e.workedBefore ? "Fails now; worked the day before" : e.failedLinks > 0 ? "Failing" : "OK";
  return (
    <div className="map-table">
      <table>
        <caption>Connections ({graph.edges.length})</caption>
        <thead>
          <tr>
            <th scope="col">From</th>
            <th scope="col">To</th>
            <th scope="col">Ports</th>
            <th scope="col">Links</th>
            <th scope="col">Failed</th>
            <th scope="col">Sent</th>
            <th scope="col">Received</th>
            <th scope="col">Response time</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {graph.edges.map((e) => (
            <tr
              key={e.id}
              aria-selected={e.id === selected}
              className={e.failedLinks > 0 ? "failed" : undefined}
            >
              <td>
                <button type="button" className="link-button" onClick={() => onSelect(e.id)}>
                  {nameOf(e.source)}
                </button>
              </td>
              <td>{nameOf(e.target)}</td>
              <td>{e.ports.join(", ")}</td>
              <td className="number">{formatCount(e.links)}</td>
              <td className="number">{formatCount(e.failedLinks)}</td>
              <td className="number">{formatBytes(e.bytesSent)}</td>
              <td className="number">{formatBytes(e.bytesReceived)}</td>
              <td className="number">{formatMs(e.responseTimeMs)}</td>
              <td>{status(e)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table>
        <caption>Nodes ({graph.nodes.length})</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
            <th scope="col">Details</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {graph.nodes.map((n) => (
            <tr key={n.id} aria-selected={n.id === selected}>
              <td>
                <button type="button" className="link-button" onClick={() => onSelect(n.id)}>
                  {nameOf(n.id)}
                </button>
              </td>
              <td>{kindNames[n.kind]}</td>
              <td>
                {n.count !== undefined ? `${formatCount(n.count)} ` : ""}
                {n.roles?.join(", ") ?? ""}
                {n.focus ? " (in view)" : ""}
                {n.note ?? ""}
              </td>
              <td>
                {actionsFor(n.id).map((a) => (
                  <button key={a.label} type="button" className="small" onClick={a.action}>
                    {a.label}
                  </button>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
