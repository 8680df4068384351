import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import { describe, expect, it } from "vitest";
import countries50m from "world-atlas/countries-50m.json";
import { flatWorld } from "./world-geometry.js";

describe("the world map's outlines", () => {
  const topology = countries50m as unknown as Topology<{ countries: GeometryCollection }>;
  const world = flatWorld(feature(topology, topology.objects.countries));

  it("have no edge that jumps across the whole map, and no Antarctica", () => {
    let jumps = 0;
    for (const f of world.features) {
      const polygons =
        f.geometry.type === "Polygon"
          ? [f.geometry.coordinates]
          : f.geometry.type === "MultiPolygon"
            ? f.geometry.coordinates
            : [];
      for (const ring of polygons.flat()) {
        for (let i = 1; i < ring.length; i++)
          if (Math.abs((ring[i]?.[0] ?? 0) - (ring[i - 1]?.[0] ?? 0)) > 180) jumps++;
      }
    }
    expect(jumps).toBe(0);
    expect(world.features.some((f) => f.properties?.["name"] === "Antarctica")).toBe(false);
    expect(
      world.features.filter((f) =>
        ["Russia", "Germany", "Japan", "Fiji"].includes(String(f.properties?.["name"])),
      ),
    ).toHaveLength(4);
  });
});
