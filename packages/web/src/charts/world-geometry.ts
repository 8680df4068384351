// Natural Earth's country outlines made fit for a flat map. Rings that cross the antimeridian (Russia's
// Chukotka, Fiji) jump from +180 to -180 and would draw a line across the whole map; their western-hemisphere
// points are moved past +180 instead. Antarctica, which has no endpoints and whose ring runs along the pole,
// is left out.

import type { Feature, FeatureCollection, Geometry, Position } from "geojson";

function crossesAntimeridian(ring: readonly Position[]): boolean {
  for (let i = 1; i < ring.length; i++) {
    if (Math.abs((ring[i]?.[0] ?? 0) - (ring[i - 1]?.[0] ?? 0)) > 180) return true;
  }
  return false;
}

function unwrapRing(ring: Position[]): Position[] {
  if (!crossesAntimeridian(ring)) return ring;
  return ring.map(([lon = 0, lat = 0]) => [lon < 0 ? lon + 360 : lon, lat]);
}

function unwrap(geometry: Geometry): Geometry {
  if (geometry.type === "Polygon") return { ...geometry, coordinates: geometry.coordinates.map(unwrapRing) };
  if (geometry.type === "MultiPolygon")
    return { ...geometry, coordinates: geometry.coordinates.map((polygon) => polygon.map(unwrapRing)) };
  return geometry;
}

export function flatWorld(countries: FeatureCollection): FeatureCollection {
  const features: Feature[] = countries.features
    .filter((f) => f.properties?.["name"] !== "Antarctica")
    .map((f) => ({ ...f, geometry: unwrap(f.geometry) }));
  return { ...countries, features };
}
