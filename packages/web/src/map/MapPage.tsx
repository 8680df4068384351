// The map page: a machine list and groups on the left, the drawn map (or its table) in the middle, the
// selection's properties on the right. Everything it shows comes from /api/map for the chosen time range,
// and the URL holds the whole view.

import type { DependencyMapResponse, EstateAggregation, EstateResponse, MapNode } from "@svcmap/model";
import { useCallback, useEffect, useLayoutEffect, useMemo, useState, type ComponentProps } from "react";
import { lazyModule, useModule } from "../shell/lazy-module.js";
import { useRoute } from "../shell/route.js";
import { TimeRangePicker } from "../shared/TimeRangePicker.js";
import { queryTimespan } from "../shared/time-range.js";
import { ContextMenu, type MenuItem } from "./ContextMenu.js";
import type { ContextTarget, CytoscapeMap as CytoscapeMapComponent } from "./CytoscapeMap.js";
import { DetailsPane } from "./DetailsPane.js";
import { edgeDescription, isExpandable, toElements, type MapGraph } from "./graph-elements.js";
import { mapApi } from "./map-api.js";
import { mapStateParams, parseMapState, type MapState, type MapView } from "./map-state.js";
import { MapTable } from "./MapTable.js";
import { Sidebar } from "./Sidebar.js";
import { useLoad } from "./use-load.js";
import "./map.css";

// Cytoscape is most of the page's code: it is a chunk of its own, requested as soon as this page's code runs,
// right after the page's first requests (so that its evaluation does not hold them back), and it loads and
// evaluates while they are in flight.
const cytoscapeChunk = lazyModule(() => import("./CytoscapeMap.js"));

export interface MapPageProps {
  readonly params: URLSearchParams;
}

type GraphResponse = DependencyMapResponse | EstateResponse;

export default function MapPage({ params }: MapPageProps) {
  const state = parseMapState(params);
  const [, navigate] = useRoute();
  const update = useCallback(
    (patch: Partial<MapState>, replace = false) =>
      navigate("map", mapStateParams({ ...state, ...patch }), replace),
    // The state is rebuilt from the URL on every render; its text is what matters.
    [navigate, params.toString()],
  );
  const timespan = queryTimespan(state.time);
  const [groupsVersion, setGroupsVersion] = useState(0);
  /** Bumped by "Refresh": a range that ends now moves on, and the same URL should show the newest data. */
  const [refreshed, setRefreshed] = useState(0);
  const groupsChanged = useCallback(() => setGroupsVersion((v) => v + 1), []);

  // A view named in the URL is drawn first: the machine list (a query over every machine) waits for the
  // map's answer instead of competing with it for the server's cores. "auto" needs the list to choose.
  const [graphAnswered, setGraphAnswered] = useState(false);
  const machines = useLoad(
    `${timespan} ${state.search} ${groupsVersion} ${refreshed}`,
    state.view.kind === "auto" || graphAnswered
      ? (s) => mapApi.machines(timespan, state.search, s)
      : undefined,
  );
  // Choosing the default view needs the unfiltered list; a search needs it fetched on its own.
  const allMachines = useLoad(
    `${timespan} ${groupsVersion}`,
    state.view.kind === "auto" && state.search !== "" ? (s) => mapApi.machines(timespan, "", s) : undefined,
  );
  const groups = useLoad(`${groupsVersion}`, (s) => mapApi.groups(s));

  const unfiltered = state.search === "" ? machines : allMachines;
  const view = resolveView(
    state.view,
    unfiltered.data?.machines.map((m) => m.machine),
  );
  const graphKey = JSON.stringify([
    refreshed,
    view,
    timespan,
    state.selfLinks,
    state.onlyGroupConnected,
    view?.kind === "machine" ? 0 : groupsVersion,
  ]);
  const graph = useLoad<GraphResponse>(
    graphKey,
    view === undefined ? undefined : (s) => loadGraph(view, timespan, state, s),
  );

  useLayoutEffect(() => {
    void cytoscapeChunk.load().catch(() => undefined);
  }, []);
  useEffect(() => {
    if (graph.data !== undefined || graph.error !== undefined) setGraphAnswered(true);
  }, [graph.data, graph.error]);

  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => setExpanded(new Set()), [graphKey]);
  const elements = useMemo(
    () => (graph.data === undefined ? [] : toElements(graph.data, expanded)),
    [graph.data, expanded],
  );
  const [menu, setMenu] = useState<{ x: number; y: number; items: MenuItem[] } | null>(null);

  const nodes = useMemo(() => new Map((graph.data?.nodes ?? []).map((n) => [n.id, n])), [graph.data]);
  const nameOf = useCallback(
    (id: string): string => {
      const node = nodes.get(id);
      if (node === undefined) return id.includes("|") ? (id.split("|").pop() ?? id) : id;
      if (node.kind !== "process") return node.label;
      let parent = node.parent === undefined ? undefined : nodes.get(node.parent);
      if (parent?.kind === "processGroup" && parent.parent !== undefined) parent = nodes.get(parent.parent);
      return parent === undefined ? node.label : `${parent.label} › ${node.label}`;
    },
    [nodes],
  );

  const loadMachine = (machine: string): void => update({ view: { kind: "machine", machine }, selected: "" });
  const toggleExpanded = (id: string): void =>
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const selfLinksItem: MenuItem = {
    label: state.selfLinks ? "Hide self-links" : "Show self-links",
    action: () => update({ selfLinks: !state.selfLinks }),
  };

  const actionsFor = (id: string): MenuItem[] => {
    const node = nodes.get(id);
    const items: MenuItem[] = [];
    if (node === undefined) return view?.kind === "estate" ? [] : [selfLinksItem];
    if ((node.kind === "machine" || node.kind === "process") && node.machine !== undefined) {
      const machine = node.machine;
      if (!(view?.kind === "machine" && view.machine === machine))
        items.push({ label: "Load server map", action: () => loadMachine(machine) });
    }
    if (isExpandable(node)) {
      items.push({
        label: expanded.has(id) ? "Collapse group" : "Expand group",
        action: () => toggleExpanded(id),
      });
    }
    if (node.kind === "aggregate" && view?.kind === "estate") {
      items.push({ label: node.focus ? "Close" : "Open", action: () => openAggregate(node) });
    }
    items.push({ label: "Show details", action: () => update({ selected: id }, true) });
    if (view?.kind !== "estate") items.push(selfLinksItem);
    return items;
  };

  /** Opening an aggregate: a top-level one, or a subnet inside the opened one; opening it again closes it. */
  const openAggregate = (node: MapNode): void => {
    if (view?.kind !== "estate") return;
    const inOpened = node.parent !== undefined && node.parent === `aggregate:${view.within}`;
    const next = inOpened
      ? { ...view, subnet: node.focus ? "" : node.label }
      : { ...view, within: node.focus ? "" : node.label, subnet: "" };
    update({ view: next, selected: "" });
  };

  const onActivate = (id: string): void => {
    const node = nodes.get(id);
    if (node === undefined) return;
    if (isExpandable(node)) toggleExpanded(id);
    else if (node.kind === "aggregate") openAggregate(node);
    else if (node.kind === "machine" && node.machine !== undefined && !node.focus) loadMachine(node.machine);
  };

  const onContextMenu = (target: ContextTarget): void => {
    const items = actionsFor(target.id);
    setMenu(items.length === 0 ? null : { x: target.x, y: target.y, items });
  };

  const describeEdge = (id: string): string => {
    const edge = graph.data?.edges.find((e) => e.id === id);
    if (edge === undefined) return "";
    return `${nameOf(edge.source)} → ${nameOf(edge.target)}\n${edgeDescription(edge)}${edge.workedBefore ? "\nFails now; worked the day before." : ""}`;
  };

  const regressions = (graph.data?.edges ?? []).filter((e) => e.workedBefore);
  const title = viewTitle(view, groups.data?.groups ?? [], nodes);
  const currentMachine = view?.kind === "machine" ? view.machine : "";

  return (
    <div className="map-page">
      <Sidebar
        tab={state.tab}
        onTab={(tab) => update({ tab }, true)}
        machines={machines.data?.machines}
        search={state.search}
        onSearch={(search) => update({ search }, true)}
        currentMachine={currentMachine}
        onOpenMachine={loadMachine}
        groups={groups.data?.groups ?? []}
        currentGroup={view?.kind === "group" ? view.group : ""}
        onOpenGroup={(group) => update({ view: { kind: "group", group }, selected: "" })}
        onGroupsChanged={groupsChanged}
        estateBy={view?.kind === "estate" ? view.by : undefined}
        onOpenEstate={(by: EstateAggregation) =>
          update({ view: { kind: "estate", by, within: "", subnet: "" }, selected: "" })
        }
      />
      <section className="map-main" aria-labelledby="page-title">
        <div className="map-toolbar">
          <h1 id="page-title">{title}</h1>
          <TimeRangePicker value={state.time} onChange={(time) => update({ time })} />
          {view?.kind !== "estate" && (
            <label className="check">
              <input
                type="checkbox"
                checked={state.selfLinks}
                onChange={(e) => update({ selfLinks: e.target.checked })}
              />{" "}
              Self-links
            </label>
          )}
          {view?.kind === "group" && (
            <label className="check">
              <input
                type="checkbox"
                checked={state.onlyGroupConnected}
                onChange={(e) => update({ onlyGroupConnected: e.target.checked })}
              />{" "}
              Only group-connected processes
            </label>
          )}
          {view?.kind === "estate" && view.within !== "" && (
            <button
              type="button"
              onClick={() => update({ view: { ...view, within: "", subnet: "" }, selected: "" })}
            >
              Back to the whole estate
            </button>
          )}
          <button type="button" onClick={() => setRefreshed((n) => n + 1)}>
            Refresh
          </button>
          <button
            type="button"
            aria-pressed={state.table}
            onClick={() => update({ table: !state.table }, true)}
          >
            {state.table ? "Show as map" : "Show as table"}
          </button>
        </div>
        {regressions.length > 0 && (
          <div className="callout" role="status">
            <strong>
              {regressions.length} connection{regressions.length === 1 ? "" : "s"} worked the day before and
              fail{regressions.length === 1 ? "s" : ""} now:
            </strong>{" "}
            {regressions.slice(0, 5).map((e, i) => (
              <span key={e.id}>
                {i > 0 && "; "}
                <button
                  type="button"
                  className="link-button"
                  onClick={() => update({ selected: e.id }, true)}
                >
                  {nameOf(e.source)} → {nameOf(e.target)}
                </button>
              </span>
            ))}
          </div>
        )}
        {graph.error !== undefined && (
          <p role="alert" className="error-message">
            {graph.error}
          </p>
        )}
        <div className="map-body" aria-busy={graph.loading}>
          {graph.loading && <p className="map-loading">Loading…</p>}
          {graph.data !== undefined && graph.data.edges.length === 0 && !graph.loading && (
            <p className="map-empty">
              {unfiltered.data?.machines.length === 0
                ? "No machine has reported in this time range. An agent's first data arrive a minute or two after it starts; choose a longer range to look further back."
                : graph.data.nodes.some((n) => n.kind === "process")
                  ? "Every connection in this time range is within the machine (a self-link); turn on Self-links to draw them."
                  : "No connections in this time range."}
            </p>
          )}
          {graph.data === undefined ? null : state.table ? (
            <MapTable
              graph={graph.data}
              selected={state.selected}
              onSelect={(selected) => update({ selected }, true)}
              actionsFor={actionsFor}
              nameOf={nameOf}
            />
          ) : (
            <DrawnMap
              elements={elements}
              selected={state.selected}
              label={`${title}: ${graph.data?.nodes.length ?? 0} nodes and ${graph.data?.edges.length ?? 0} connections. Use “Show as table” to read them.`}
              onSelect={(selected) => update({ selected }, true)}
              onActivate={onActivate}
              onContextMenu={onContextMenu}
              describeEdge={describeEdge}
            />
          )}
        </div>
        {graph.data !== undefined && <KqlDetails graph={graph.data} />}
      </section>
      <DetailsPane
        graph={graph.data}
        selected={state.selected}
        timespan={timespan}
        groups={groups.data?.groups ?? []}
        onGroupsChanged={groupsChanged}
        onLoadMachine={loadMachine}
        onSelect={(selected) => update({ selected }, true)}
        nameOf={nameOf}
      />
      {menu !== null && <ContextMenu {...menu} onClose={() => setMenu(null)} />}
    </div>
  );
}

function DrawnMap(props: ComponentProps<typeof CytoscapeMapComponent>) {
  const { module, error } = useModule(cytoscapeChunk);
  if (error !== undefined)
    return (
      <p role="alert" className="error-message">
        The map's drawing code could not be loaded ({error}). “Show as table” still shows it.
      </p>
    );
  if (module === undefined) return <p className="map-loading">Loading the map…</p>;
  return <module.CytoscapeMap {...props} />;
}

type ResolvedView = Exclude<MapView, { kind: "auto" }>;

/** The view to draw; "auto" becomes the only machine's map, or the estate when there are several. */
function resolveView(view: MapView, machines: readonly string[] | undefined): ResolvedView | undefined {
  if (view.kind !== "auto") return view;
  if (machines === undefined) return undefined;
  const [only] = machines;
  return machines.length === 1 && only !== undefined
    ? { kind: "machine", machine: only }
    : { kind: "estate", by: "site", within: "", subnet: "" };
}

function loadGraph(
  view: ResolvedView,
  timespan: string,
  state: MapState,
  signal: AbortSignal,
): Promise<GraphResponse> {
  switch (view.kind) {
    case "machine":
      return mapApi.machineMap(view.machine, timespan, state.selfLinks, signal);
    case "group":
      return mapApi.groupMap(view.group, timespan, state.selfLinks, state.onlyGroupConnected, signal);
    case "estate":
      return mapApi.estate(timespan, view.by, view.within, view.subnet, signal);
  }
}

function viewTitle(
  view: ResolvedView | undefined,
  groups: readonly { id: string; name: string }[],
  nodes: ReadonlyMap<string, MapNode>,
): string {
  if (view === undefined) return "Map";
  if (view.kind === "machine") return `Map of ${nodes.get(`machine:${view.machine}`)?.label ?? view.machine}`;
  if (view.kind === "group")
    return `Map of group ${groups.find((g) => g.id === view.group)?.name ?? view.group}`;
  if (view.within === "") return `Estate by ${view.by}`;
  return `Estate: ${view.within}${view.subnet === "" ? "" : ` › ${view.subnet}`}`;
}

function KqlDetails({ graph }: { graph: MapGraph & { queries: Readonly<Record<string, string>> } }) {
  return (
    <details className="map-kql">
      <summary>KQL behind this view</summary>
      {Object.entries(graph.queries).map(([name, text]) => (
        <div key={name}>
          <h3>{name}</h3>
          <pre>{text}</pre>
        </div>
      ))}
    </details>
  );
}
