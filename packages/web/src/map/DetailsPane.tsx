// The right column: properties and summary of whatever is selected — a machine (inventory, agent health,
// performance), a process (properties, ports, connections), a client or server port group (its members),
// an aggregate, or a connection — and, with nothing selected, what is failing in the view.

import type {
  MachineGroupInfo,
  MachineSummaryResponse,
  MapEdge,
  MapNode,
  MetricSeries,
  ProcessSummaryResponse,
} from "@svcmap/model";
import { useState } from "react";
import { ApiRequestError } from "../api/client.js";
import { edgeDescription, type MapGraph } from "./graph-elements.js";
import { formatBytes, formatCount } from "./format.js";
import { mapApi } from "./map-api.js";
import { useLoad } from "./use-load.js";

interface Props {
  readonly graph: MapGraph | undefined;
  readonly selected: string;
  readonly timespan: string;
  readonly groups: readonly MachineGroupInfo[];
  readonly onGroupsChanged: () => void;
  readonly onLoadMachine: (machine: string) => void;
  readonly onSelect: (id: string) => void;
  readonly nameOf: (id: string) => string;
}

export function DetailsPane(props: Props) {
  const { graph, selected } = props;
  const node = graph?.nodes.find((n) => n.id === selected);
  const edge = graph?.edges.find((e) => e.id === selected);
  return (
    <aside className="map-details" aria-label="Details" aria-live="polite">
      {node?.kind === "machine" && node.machine !== undefined && (
        <MachinePane {...props} machine={node.machine} />
      )}
      {node?.kind === "process" && node.machine !== undefined && node.process !== undefined && (
        <ProcessPane {...props} machine={node.machine} process={node.process} label={node.label} />
      )}
      {node !== undefined && (node.kind === "clientGroup" || node.kind === "serverPortGroup") && (
        <MembersPane node={node} />
      )}
      {node?.kind === "processGroup" && (
        <section>
          <h2>{node.label}</h2>
          <p>Process group: the processes of one program on {props.nameOf(node.parent ?? "")}.</p>
        </section>
      )}
      {node?.kind === "aggregate" && (
        <section>
          <h2>{node.label}</h2>
          <p>{formatCount(node.count ?? 0)} machines.</p>
          {(node.failedLinks ?? 0) > 0 && (
            <p className="danger-text">{formatCount(node.failedLinks ?? 0)} failed links from here.</p>
          )}
          <p className="muted">Double-click it, or use its context menu, to open it.</p>
        </section>
      )}
      {edge !== undefined && <EdgePane edge={edge} nameOf={props.nameOf} />}
      {node === undefined && edge === undefined && graph !== undefined && (
        <ViewSummary graph={graph} nameOf={props.nameOf} onSelect={props.onSelect} />
      )}
    </aside>
  );
}

function Properties({ values }: { values: Readonly<Record<string, string | number | boolean | null>> }) {
  const shown = Object.entries(values).filter(([, v]) => v !== null && v !== "" && v !== "[]");
  return (
    <dl className="properties">
      {shown.map(([key, value]) => (
        <div key={key}>
          <dt>{key}</dt>
          <dd>{String(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

function MachinePane({
  machine,
  timespan,
  groups,
  onGroupsChanged,
  onLoadMachine,
}: Props & { machine: string }) {
  const { data, error } = useLoad<MachineSummaryResponse>(
    `${machine} ${timespan} ${groups.map((g) => `${g.id}:${g.machines.length}`).join()}`,
    (s) => mapApi.machineSummary(machine, timespan, s),
  );
  const [group, setGroup] = useState("");
  const [groupError, setGroupError] = useState("");
  if (error !== undefined) return <p className="error-message">{error}</p>;
  if (data === undefined) return <p className="muted">Loading summary…</p>;
  const available = groups.filter((g) => !g.machines.includes(machine));
  return (
    <section>
      <h2>{String(data.properties["DisplayName"] ?? data.properties["Computer"] ?? machine)}</h2>
      <button type="button" onClick={() => onLoadMachine(machine)}>
        Load server map
      </button>
      <p className={`health health-${data.health.state.replace(" ", "-")}`}>
        Agent: {data.health.state}
        {data.health.lastHeartbeat !== null &&
          ` · last heartbeat ${data.health.lastHeartbeat.replace("T", " ").replace("Z", " UTC")}`}
        {data.health.agentVersion !== "" && ` · version ${data.health.agentVersion}`}
      </p>
      <h3>Performance</h3>
      {data.metrics.length === 0 ? (
        <p className="muted">No performance data in this range.</p>
      ) : (
        data.metrics.map((m) => <Sparkline key={`${m.namespace}/${m.name}`} series={m} />)
      )}
      <h3>Groups</h3>
      <p>{data.groups.length === 0 ? "In no group." : data.groups.map((g) => g.name).join(", ")}</p>
      {available.length > 0 && (
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            if (group === "") return;
            mapApi.addToGroup(group, [machine]).then(
              () => {
                setGroupError("");
                onGroupsChanged();
              },
              (e: unknown) => setGroupError(e instanceof ApiRequestError ? e.message : String(e)),
            );
          }}
        >
          <label>
            Add to group{" "}
            <select value={group} onChange={(e) => setGroup(e.target.value)}>
              <option value="">Choose…</option>
              {available.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={group === ""}>
            Add
          </button>
        </form>
      )}
      {groupError !== "" && (
        <p role="alert" className="error-message">
          {groupError}
        </p>
      )}
      <h3>Properties</h3>
      <Properties values={data.properties} />
    </section>
  );
}

const metricTitles: Readonly<Record<string, string>> = {
  UtilizationPercentage: "CPU utilisation (%)",
  AvailableMB: "Available memory (MB)",
  ReadBytesPerSecond: "Network received (bytes/s)",
  WriteBytesPerSecond: "Network sent (bytes/s)",
  FreeSpacePercentage: "Free disk space (%)",
};

function Sparkline({ series }: { series: MetricSeries }) {
  const values = series.points.map(([, v]) => v);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const last = values[values.length - 1] ?? 0;
  const w = 220;
  const h = 36;
  const points = values
    .map(
      (v, i) =>
        `${(i / Math.max(1, values.length - 1)) * w},${max === min ? h / 2 : h - ((v - min) / (max - min)) * (h - 4) - 2}`,
    )
    .join(" ");
  const title = metricTitles[series.name] ?? `${series.namespace} ${series.name}`;
  const show = (v: number): string =>
    series.name.endsWith("BytesPerSecond") ? `${formatBytes(v)}/s` : v.toFixed(1);
  return (
    <figure className="sparkline">
      <figcaption>
        {title}: {show(last)}{" "}
        <span className="muted">
          (min {show(min)}, max {show(max)})
        </span>
      </figcaption>
      <svg viewBox={`0 0 ${w} ${h}`} width={w} height={h} aria-hidden="true">
        <polyline points={points} fill="none" stroke="var(--accent)" strokeWidth="1.5" />
      </svg>
    </figure>
  );
}

function ProcessPane({
  machine,
  process,
  label,
  timespan,
}: Props & { machine: string; process: string; label: string }) {
  const { data, error } = useLoad<ProcessSummaryResponse>(`${machine} ${process} ${timespan}`, (s) =>
    mapApi.processSummary(machine, process, timespan, s),
  );
  if (error !== undefined) return <p className="error-message">{error}</p>;
  if (data === undefined) return <p className="muted">Loading {label}…</p>;
  return (
    <section>
      <h2>{label}</h2>
      <p>
        {data.totals.inbound} inbound · {data.totals.outbound} outbound ·{" "}
        <span className={data.totals.failed > 0 ? "danger-text" : undefined}>
          {data.totals.failed} failing
        </span>
      </p>
      <h3>Bound ports</h3>
      {data.boundPorts.length === 0 ? (
        <p className="muted">None in this range.</p>
      ) : (
        <ul className="compact">
          {data.boundPorts.map((p) => (
            <li key={`${p.ip}:${p.port}/${p.protocol}`}>
              {p.ip}:{p.port}/{p.protocol}
              {p.wildcard ? " (all addresses)" : ""}
            </li>
          ))}
        </ul>
      )}
      <h3>Connections</h3>
      <table className="compact-table">
        <thead>
          <tr>
            <th scope="col">Direction</th>
            <th scope="col">Remote</th>
            <th scope="col">Port</th>
            <th scope="col">Links</th>
            <th scope="col">Failed</th>
          </tr>
        </thead>
        <tbody>
          {data.connections.slice(0, 100).map((c) => (
            <tr
              key={`${c.direction}${c.remoteIp}${c.port}${c.protocol}`}
              className={c.failedLinks > 0 ? "failed" : undefined}
            >
              <td>{c.direction}</td>
              <td>{c.remoteIp}</td>
              <td>
                {c.port}/{c.protocol}
              </td>
              <td className="number">{formatCount(c.links)}</td>
              <td className="number">{formatCount(c.failedLinks)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>Properties</h3>
      <Properties values={data.properties} />
    </section>
  );
}

function MembersPane({ node }: { node: MapNode }) {
  return (
    <section>
      <h2>{node.label}</h2>
      <p>
        {node.kind === "clientGroup" ? "Clients without an agent" : "Servers without an agent"}:{" "}
        {formatCount(node.count ?? 0)}
        {(node.failedLinks ?? 0) > 0 && (
          <span className="danger-text"> · {formatCount(node.failedLinks ?? 0)} failed links</span>
        )}
      </p>
      <ul className="compact">
        {(node.members ?? []).map((m) => (
          <li key={m.ip}>
            {m.ip}
            {m.name !== undefined && <span className="muted"> {m.name}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

function EdgePane({ edge, nameOf }: { edge: MapEdge; nameOf: (id: string) => string }) {
  return (
    <section>
      <h2>Connection</h2>
      <p>
        {nameOf(edge.source)} → {nameOf(edge.target)}
      </p>
      {edge.workedBefore && <p className="callout">Fails now; it worked in the day before this range.</p>}
      <p>{edgeDescription(edge)}</p>
    </section>
  );
}

function ViewSummary({
  graph,
  nameOf,
  onSelect,
}: {
  graph: MapGraph;
  nameOf: (id: string) => string;
  onSelect: (id: string) => void;
}) {
  const failing = graph.edges
    .filter((e) => e.failedLinks > 0)
    .sort((a, b) => Number(b.workedBefore) - Number(a.workedBefore) || b.failedLinks - a.failedLinks);
  return (
    <section>
      <h2>In this view</h2>
      <p>
        {[
          ["aggregate", "aggregate", "aggregates"],
          ["machine", "machine", "machines"],
          ["process", "process", "processes"],
        ]
          .map(([kind, one, many]) => [graph.nodes.filter((n) => n.kind === kind).length, one, many] as const)
          .filter(([count]) => count > 0)
          .map(([count, one, many]) => `${count} ${count === 1 ? one : many}`)
          .concat(`${graph.edges.length} ${graph.edges.length === 1 ? "connection" : "connections"}`)
          .join(" · ")}
      </p>
      <h3>Failing connections ({failing.length})</h3>
      {failing.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul className="compact">
          {failing.slice(0, 50).map((e) => (
            <li key={e.id}>
              <button type="button" className="link-button" onClick={() => onSelect(e.id)}>
                {nameOf(e.source)} → {nameOf(e.target)}
              </button>{" "}
              <span className="danger-text">{formatCount(e.failedLinks)} failed</span>
              {e.workedBefore && <span className="badge danger"> worked the day before</span>}
            </li>
          ))}
        </ul>
      )}
      <p className="muted">
        Select a machine, process, group or connection for its details. Right-click for more.
      </p>
    </section>
  );
}
