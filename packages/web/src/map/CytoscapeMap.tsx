// The drawn map: Cytoscape.js with compound nodes (machine ▸ process group ▸ process) laid out by fcose,
// which keeps children inside their parents. The canvas is for pointing; the same map is also a table
// (MapTable) for keyboards and screen readers.

import cytoscape, { type Core, type ElementDefinition, type EventObject } from "cytoscape";
import fcose from "cytoscape-fcose";
import { useEffect, useLayoutEffect, useRef, useState } from "react";
import { mapStylesheet } from "./graph-elements.js";

cytoscape.use(fcose);

declare global {
  interface Window {
    /** The map's Cytoscape instance, for automation and debugging from the browser's console. */
    svcmapCy?: Core;
  }
}

export interface ContextTarget {
  /** The element's id, or "" for the background. */
  readonly id: string;
  readonly x: number;
  readonly y: number;
}

interface Props {
  readonly elements: readonly ElementDefinition[];
  readonly selected: string;
  readonly label: string;
  readonly onSelect: (id: string) => void;
  readonly onActivate: (id: string) => void;
  readonly onContextMenu: (target: ContextTarget) => void;
  readonly describeEdge: (id: string) => string;
}

export function CytoscapeMap({
  elements,
  selected,
  label,
  onSelect,
  onActivate,
  onContextMenu,
  describeEdge,
}: Props) {
  const container = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const handlers = useRef({ onSelect, onActivate, onContextMenu, describeEdge });
  handlers.current = { onSelect, onActivate, onContextMenu, describeEdge };
  const [tooltip, setTooltip] = useState<{ text: string; x: number; y: number } | null>(null);

  useLayoutEffect(() => {
    const cy = cytoscape({
      container: container.current,
      style: mapStylesheet(),
      wheelSensitivity: 0.3,
      minZoom: 0.1,
      maxZoom: 4,
      selectionType: "single",
      boxSelectionEnabled: false,
    });
    cyRef.current = cy;
    window.svcmapCy = cy;
    cy.on("tap", (event: EventObject) => {
      handlers.current.onSelect(event.target === cy ? "" : String(event.target.id()));
    });
    cy.on("dbltap", "node", (event: EventObject) => handlers.current.onActivate(String(event.target.id())));
    cy.on("cxttap", (event: EventObject) => {
      const box = container.current?.getBoundingClientRect();
      handlers.current.onContextMenu({
        id: event.target === cy ? "" : String(event.target.id()),
        x: (box?.left ?? 0) + event.renderedPosition.x,
        y: (box?.top ?? 0) + event.renderedPosition.y,
      });
    });
    cy.on("mouseover", "edge", (event: EventObject) => {
      const p = event.renderedPosition;
      setTooltip({
        text: handlers.current.describeEdge(String(event.target.id())),
        x: p.x + 12,
        y: p.y + 12,
      });
    });
    cy.on("mouseout", "edge", () => setTooltip(null));
    // Nodes that need explaining (an unknown process, one without inventory) carry their explanation.
    cy.on("mouseover", "node[tooltip]", (event: EventObject) => {
      const p = event.renderedPosition;
      setTooltip({ text: String(event.target.data("tooltip")), x: p.x + 12, y: p.y + 12 });
    });
    cy.on("mouseout", "node", () => setTooltip(null));
    cy.on("pan zoom", () => setTooltip(null));
    // The canvas cannot read CSS variables, so a theme change restyles it.
    const observer = new MutationObserver(() => cy.style(mapStylesheet()));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    return () => {
      observer.disconnect();
      if (window.svcmapCy === cy) delete window.svcmapCy;
      cy.destroy();
      cyRef.current = null;
    };
  }, []);

  // A layout effect: the new elements are laid out before the browser paints or runs anything else, so no
  // one (a user, a test) ever sees the new answer with the old drawing.
  useLayoutEffect(() => {
    const cy = cyRef.current;
    if (cy === null) return;
    cy.batch(() => {
      cy.elements().remove();
      cy.add([...elements]);
    });
    if (elements.length > 0) {
      // fcose's draft quality skips the final spring pass: on hundreds of nodes it is several times faster.
      const big = cy.nodes().length > 150;
      const layout = cy.layout({
        name: "fcose",
        quality: big ? "draft" : "default",
        animate: false,
        randomize: true,
        nodeDimensionsIncludeLabels: true,
        packComponents: true,
        idealEdgeLength: () => 90,
        nodeRepulsion: () => 6500,
        padding: 40,
      } as cytoscape.LayoutOptions);
      // A small map fitted to the screen would be drawn huge; keep it at a readable size instead.
      layout.one("layoutstop", () => {
        if (cy.zoom() > 1.25) {
          cy.zoom(1.25);
          cy.center();
        }
      });
      layout.run();
    }
    cy.container()?.setAttribute("data-ready", "true");
  }, [elements]);

  useEffect(() => {
    const cy = cyRef.current;
    if (cy === null) return;
    cy.elements(":selected").unselect();
    if (selected !== "") cy.getElementById(selected).select();
  }, [selected, elements]);

  return (
    <div className="map-canvas-wrap">
      <div ref={container} className="map-canvas" role="img" aria-label={label} data-ready="false" />
      {tooltip !== null && (
        <div className="map-tooltip" role="tooltip" style={{ left: tooltip.x, top: tooltip.y }}>
          {tooltip.text}
        </div>
      )}
    </div>
  );
}
