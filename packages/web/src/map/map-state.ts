// What the map shows lives in the URL (#/map?view=machine&machine=…&time=30m&sel=…), so every view can be
// bookmarked, shared and reached with the browser's back button.

import type { EstateAggregation } from "@svcmap/model";
import { formatTimeRange, parseTimeRange, type TimeRange } from "../shared/time-range.js";

export type MapView =
  | { readonly kind: "machine"; readonly machine: string }
  | { readonly kind: "group"; readonly group: string }
  | {
      readonly kind: "estate";
      readonly by: EstateAggregation;
      readonly within: string;
      /** A subnet of `within`, opened when `within` is too big to draw machine by machine. */
      readonly subnet: string;
    }
  /** No view chosen: the only machine's map when there is one, the estate otherwise. */
  | { readonly kind: "auto" };

export type SidebarTab = "machines" | "groups" | "estate";

export interface MapState {
  readonly view: MapView;
  readonly time: TimeRange;
  readonly selfLinks: boolean;
  readonly onlyGroupConnected: boolean;
  /** The selected node or edge id. */
  readonly selected: string;
  readonly table: boolean;
  readonly tab: SidebarTab;
  readonly search: string;
}

const aggregations: readonly EstateAggregation[] = ["site", "subnet", "group"];
const tabs: readonly SidebarTab[] = ["machines", "groups", "estate"];

export function parseMapState(params: URLSearchParams): MapState {
  const view = params.get("view");
  const by = params.get("by") ?? "site";
  const tab = params.get("tab") ?? "";
  return {
    view:
      view === "machine" && params.get("machine")
        ? { kind: "machine", machine: params.get("machine") ?? "" }
        : view === "group" && params.get("group")
          ? { kind: "group", group: params.get("group") ?? "" }
          : view === "estate"
            ? {
                kind: "estate",
                by: (aggregations as readonly string[]).includes(by) ? (by as EstateAggregation) : "site",
                within: params.get("within") ?? "",
                subnet: params.get("subnet") ?? "",
              }
            : { kind: "auto" },
    time: parseTimeRange(params.get("time")),
    selfLinks: params.get("self") === "1",
    onlyGroupConnected: params.get("inner") === "1",
    selected: params.get("sel") ?? "",
    table: params.get("table") === "1",
    tab: (tabs as readonly string[]).includes(tab) ? (tab as SidebarTab) : "machines",
    search: params.get("q") ?? "",
  };
}

export function mapStateParams(state: MapState): Record<string, string> {
  const params: Record<string, string> = {};
  const { view } = state;
  if (view.kind !== "auto") params["view"] = view.kind;
  if (view.kind === "machine") params["machine"] = view.machine;
  if (view.kind === "group") params["group"] = view.group;
  if (view.kind === "estate") {
    params["by"] = view.by;
    if (view.within !== "") params["within"] = view.within;
    if (view.subnet !== "") params["subnet"] = view.subnet;
  }
  const time = formatTimeRange(state.time);
  if (time !== "30m") params["time"] = time;
  if (state.selfLinks) params["self"] = "1";
  if (state.onlyGroupConnected) params["inner"] = "1";
  if (state.selected !== "") params["sel"] = state.selected;
  if (state.table) params["table"] = "1";
  if (state.tab !== "machines") params["tab"] = state.tab;
  if (state.search !== "") params["q"] = state.search;
  return params;
}
