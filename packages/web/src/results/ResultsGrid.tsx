import { useVirtualizer } from "@tanstack/react-virtual";
import { useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from "react";
import type { QueryTable } from "../api/client.js";
import { sortRows, type SortOrder } from "./sort-rows.js";

interface Props {
  readonly table: QueryTable;
  /** Accessible name of the grid. */
  readonly label: string;
  readonly maxHeight?: number | string;
}

const rowHeight = 28;
const numericTypes = new Set(["int", "long", "real", "decimal"]);

function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : String(value);
}

function prettyDynamic(value: unknown): string {
  if (typeof value !== "string") return cellText(value);
  try {
    return JSON.stringify(JSON.parse(value), null, 2);
  } catch {
    return value;
  }
}

/** A column's starting width: its header or the longer of its first values, within bounds. */
function initialWidth(table: QueryTable, column: number): number {
  const { name, type } = table.columns[column] ?? { name: "", type: "" };
  const header = (name.length + type.length) * 7.5 + 40;
  const lengths = table.rows
    .slice(0, 100)
    .map((row) => cellText(row[column]).length)
    .sort((a, b) => a - b);
  const typical = lengths[Math.floor(lengths.length * 0.9)] ?? 0;
  return Math.round(Math.min(Math.max(header, typical * 7.5 + 20, 70), 420));
}

/**
 * A result table of any size: only the rows in view are in the DOM. Columns sort on a header click and
 * resize by dragging their edge; a row with dynamic values expands to show them as formatted JSON; the
 * selected cell (arrow keys move it) copies with Ctrl+C or the copy button.
 */
export function ResultsGrid({ table, label, maxHeight = "100%" }: Props) {
  const [order, setOrder] = useState<SortOrder | undefined>();
  const [widths, setWidths] = useState(() => table.columns.map((_, i) => initialWidth(table, i)));
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const [selected, setSelected] = useState<{ row: number; column: number } | undefined>();
  const [copied, setCopied] = useState("");
  const scroller = useRef<HTMLDivElement>(null);
  const rows = useMemo(() => sortRows(table.rows, table.columns, order), [table, order]);
  const dynamicColumns = table.columns.flatMap((c, i) => (c.type === "dynamic" ? [i] : []));
  const totalWidth = widths.reduce((a, b) => a + b, 0) + 28;

  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 12,
  });

  const copy = async (text: string, what: string): Promise<void> => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(`Copied ${what}`);
    } catch {
      setCopied("The browser refused access to the clipboard");
    }
  };

  const startResize = (column: number, event: PointerEvent<HTMLSpanElement>): void => {
    event.preventDefault();
    event.stopPropagation();
    const startX = event.clientX;
    const startWidth = widths[column] ?? 100;
    const move = (e: globalThis.PointerEvent): void => {
      setWidths((current) =>
        current.map((w, i) => (i === column ? Math.max(48, startWidth + e.clientX - startX) : w)),
      );
    };
    const up = (): void => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (selected === undefined) return;
    const moves: Record<string, [number, number]> = {
      ArrowDown: [1, 0],
      ArrowUp: [-1, 0],
      ArrowRight: [0, 1],
      ArrowLeft: [0, -1],
    };
    const move = moves[event.key];
    if (move !== undefined) {
      event.preventDefault();
      const row = Math.min(Math.max(selected.row + move[0], 0), rows.length - 1);
      const column = Math.min(Math.max(selected.column + move[1], 0), table.columns.length - 1);
      setSelected({ row, column });
      virtualizer.scrollToIndex(row);
    } else if ((event.ctrlKey || event.metaKey) && event.key === "c") {
      event.preventDefault();
      void copy(cellText(rows[selected.row]?.[selected.column]), "the cell");
    }
  };

  const toggle = (index: number): void =>
    setExpanded((current) => {
      const next = new Set(current);
      if (next.has(index)) next.delete(index);
      else next.add(index);
      return next;
    });

  const template = `28px ${widths.map((w) => `${w}px`).join(" ")}`;
  const selectedValue = selected === undefined ? undefined : rows[selected.row]?.[selected.column];

  return (
    <div className="results-grid-frame">
      <div className="results-grid-toolbar">
        <span>
          {rows.length.toLocaleString()} row{rows.length === 1 ? "" : "s"}
        </span>
        <button
          type="button"
          disabled={selected === undefined}
          onClick={() => void copy(cellText(selectedValue), "the cell")}
        >
          Copy cell
        </button>
        <button
          type="button"
          disabled={selected === undefined}
          onClick={() => {
            const row = selected === undefined ? undefined : rows[selected.row];
            if (row === undefined) return;
            const object = Object.fromEntries(table.columns.map((c, i) => [c.name, row[i]]));
            void copy(JSON.stringify(object, null, 2), "the row as JSON");
          }}
        >
          Copy row
        </button>
        <span role="status" className="muted">
          {copied}
        </span>
      </div>
      <div
        ref={scroller}
        className="results-grid"
        role="grid"
        aria-label={label}
        aria-rowcount={rows.length + 1}
        aria-colcount={table.columns.length}
        tabIndex={0}
        onKeyDown={onKeyDown}
        style={{ maxHeight }}
      >
        <div
          role="row"
          className="grid-row grid-header"
          style={{ gridTemplateColumns: template, width: totalWidth }}
          aria-rowindex={1}
        >
          <span role="columnheader" className="grid-cell" />
          {table.columns.map((column, i) => (
            <span
              key={column.name}
              role="columnheader"
              className="grid-cell"
              aria-sort={order?.column === i ? (order.descending ? "descending" : "ascending") : "none"}
            >
              <button
                type="button"
                className="grid-sort"
                title={`${column.name} (${column.type}): sort`}
                onClick={() =>
                  setOrder((current) =>
                    current?.column !== i
                      ? { column: i, descending: false }
                      : current.descending
                        ? undefined
                        : { column: i, descending: true },
                  )
                }
              >
                <span className="grid-column-name">{column.name}</span>
                <span className="grid-column-type">{column.type}</span>
                {order?.column === i && <span aria-hidden="true">{order.descending ? " ▼" : " ▲"}</span>}
              </button>
              <span
                className="grid-resize"
                role="separator"
                aria-orientation="vertical"
                aria-label={`Resize ${column.name}`}
                onPointerDown={(event) => startResize(i, event)}
              />
            </span>
          ))}
        </div>
        <div style={{ height: virtualizer.getTotalSize(), width: totalWidth, position: "relative" }}>
          {virtualizer.getVirtualItems().map((item) => {
            const row = rows[item.index] ?? [];
            const isExpanded = expanded.has(item.index);
            return (
              <div
                key={item.key}
                ref={virtualizer.measureElement}
                data-index={item.index}
                role="row"
                aria-rowindex={item.index + 2}
                className="grid-row-group"
                style={{
                  position: "absolute",
                  top: 0,
                  left: 0,
                  width: totalWidth,
                  transform: `translateY(${item.start}px)`,
                }}
              >
                <div className="grid-row" style={{ gridTemplateColumns: template, height: rowHeight }}>
                  <span className="grid-cell">
                    {dynamicColumns.length > 0 && (
                      <button
                        type="button"
                        className="grid-expand"
                        aria-expanded={isExpanded}
                        aria-label={isExpanded ? "Collapse row" : "Expand row"}
                        onClick={() => toggle(item.index)}
                      >
                        {isExpanded ? "▾" : "▸"}
                      </button>
                    )}
                  </span>
                  {table.columns.map((column, c) => {
                    const isSelected = selected?.row === item.index && selected.column === c;
                    return (
                      <span
                        key={column.name}
                        role="gridcell"
                        aria-selected={isSelected}
                        className={`grid-cell${numericTypes.has(column.type) ? " numeric" : ""}${isSelected ? " selected" : ""}`}
                        title={cellText(row[c])}
                        onClick={() => setSelected({ row: item.index, column: c })}
                      >
                        {cellText(row[c])}
                      </span>
                    );
                  })}
                </div>
                {isExpanded && (
                  <div className="grid-detail">
                    {dynamicColumns.map((c) => (
                      <div key={c}>
                        <strong>{table.columns[c]?.name}</strong>
                        <pre>{prettyDynamic(row[c])}</pre>
                      </div>
                    ))}
                  </div>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
