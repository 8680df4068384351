import { useId, useState } from "react";
import { describeTimeRange, presetMinutes, resolveTimeRange, type TimeRange } from "./time-range.js";

interface Props {
  readonly value: TimeRange;
  readonly onChange: (range: TimeRange) => void;
}

const custom = "custom";

/** `datetime-local` inputs hold UTC here: the tables are in UTC and so is every time the UI shows. */
function toInput(date: Date): string {
  return date.toISOString().slice(0, 16);
}

function fromInput(value: string): string | undefined {
  const time = Date.parse(`${value}:00Z`);
  return isNaN(time) ? undefined : new Date(time).toISOString();
}

export function TimeRangePicker({ value, onChange }: Props) {
  const id = useId();
  const [editing, setEditing] = useState(false);
  const resolved = resolveTimeRange(value);
  const [start, setStart] = useState(toInput(resolved.start));
  const [end, setEnd] = useState(toInput(resolved.end));
  const selected = editing || value.kind === "between" ? custom : String(value.minutes);
  const startIso = fromInput(start);
  const endIso = fromInput(end);
  const valid = startIso !== undefined && endIso !== undefined && startIso < endIso;

  return (
    <div className="time-range" role="group" aria-label="Time range">
      <label htmlFor={`${id}-preset`} className="visually-hidden">
        Time range
      </label>
      <select
        id={`${id}-preset`}
        value={selected}
        title={describeTimeRange(value)}
        onChange={(event) => {
          if (event.target.value === custom) {
            const now = resolveTimeRange(value);
            setStart(toInput(now.start));
            setEnd(toInput(now.end));
            setEditing(true);
            return;
          }
          setEditing(false);
          onChange({ kind: "last", minutes: Number(event.target.value) });
        }}
      >
        {presetMinutes.map((preset) => (
          <option key={preset.minutes} value={preset.minutes}>
            {preset.label}
          </option>
        ))}
        {value.kind === "last" && !presetMinutes.some((p) => p.minutes === value.minutes) && (
          <option value={value.minutes}>{describeTimeRange(value)}</option>
        )}
        <option value={custom}>
          {value.kind === "between" ? describeTimeRange(value) : "Custom range…"}
        </option>
      </select>
      {(editing || value.kind === "between") && (
        <form
          className="time-range-custom"
          onSubmit={(event) => {
            event.preventDefault();
            if (!valid) return;
            setEditing(false);
            onChange({ kind: "between", start: startIso, end: endIso });
          }}
        >
          <label>
            From (UTC)
            <input type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} />
          </label>
          <label>
            To (UTC)
            <input type="datetime-local" value={end} onChange={(e) => setEnd(e.target.value)} />
          </label>
          <button type="submit" disabled={!valid}>
            Apply
          </button>
        </form>
      )}
    </div>
  );
}
