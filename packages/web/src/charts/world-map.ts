// The world map, drawn offline: Natural Earth's 1:50m countries (the world-atlas package, TopoJSON) turned
// into GeoJSON and registered with ECharts once, on the first map. Nothing is fetched from the internet.

import * as echarts from "echarts";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import { worldMapName } from "./chart-model.js";
import { flatWorld } from "./world-geometry.js";

let registered: Promise<void> | undefined;

export function registerWorldMap(): Promise<void> {
  registered ??= import("world-atlas/countries-50m.json").then((module) => {
    const topology = (module as { default: unknown }).default as Topology<{ countries: GeometryCollection }>;
    const countries = flatWorld(feature(topology, topology.objects.countries));
    echarts.registerMap(worldMapName, countries as unknown as Parameters<typeof echarts.registerMap>[1]);
  });
  return registered;
}
