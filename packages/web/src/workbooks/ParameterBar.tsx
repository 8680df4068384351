import { useEffect, useState } from "react";
import { runQuery } from "../api/client.js";
import { TimeRangePicker } from "../shared/TimeRangePicker.js";
import { formatTimeRange, parseTimeRange, queryTimespan } from "../shared/time-range.js";
import { substituteParameters, type ParameterValues, type WorkbookParameter } from "./workbook.js";

interface Props {
  readonly parameters: readonly WorkbookParameter[];
  readonly values: ParameterValues;
  readonly onChange: (name: string, value: string) => void;
}

/** The workbook's parameters: a time range picker, and drop-downs whose choices come from queries. */
export function ParameterBar({ parameters, values, onChange }: Props) {
  return (
    <div className="workbook-parameters" role="group" aria-label="Parameters">
      {parameters.map((parameter) =>
        parameter.type === "timerange" ? (
          <div key={parameter.name} className="workbook-parameter">
            <span>{parameter.label}</span>
            <TimeRangePicker
              value={parseTimeRange(values[parameter.name] ?? parameter.default)}
              onChange={(range) => onChange(parameter.name, formatTimeRange(range))}
            />
          </div>
        ) : (
          <Dropdown
            key={parameter.name}
            parameter={parameter}
            parameters={parameters}
            values={values}
            onChange={(value) => onChange(parameter.name, value)}
          />
        ),
      )}
    </div>
  );
}

interface DropdownProps {
  readonly parameter: Extract<WorkbookParameter, { type: "dropdown" }>;
  readonly parameters: readonly WorkbookParameter[];
  readonly values: ParameterValues;
  readonly onChange: (value: string) => void;
}

function Dropdown({ parameter, parameters, values, onChange }: DropdownProps) {
  const [choices, setChoices] = useState<string[]>([]);
  const [problem, setProblem] = useState<string | undefined>();
  const query = substituteParameters(parameter.query, parameters, values);
  const time = parameters.find((p) => p.type === "timerange");
  const timespan =
    time === undefined ? undefined : queryTimespan(parseTimeRange(values[time.name] ?? time.default));

  useEffect(() => {
    const controller = new AbortController();
    runQuery(query, { signal: controller.signal, ...(timespan === undefined ? {} : { timespan }) }).then(
      (response) => {
        setChoices(
          (response.tables[0]?.rows ?? []).map((row) => String(row[0] ?? "")).filter((v) => v !== ""),
        );
        setProblem(undefined);
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setProblem(error instanceof Error ? error.message : String(error));
      },
    );
    return () => controller.abort();
  }, [query, timespan]);

  const value = values[parameter.name] ?? "";
  return (
    <label className="workbook-parameter">
      <span>{parameter.label}</span>
      <select
        value={value}
        onChange={(e) => onChange(e.target.value)}
        title={problem}
        aria-label={parameter.label}
      >
        <option value="">{parameter.allLabel}</option>
        {value !== "" && !choices.includes(value) && <option value={value}>{value}</option>}
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {choice}
          </option>
        ))}
      </select>
      {problem !== undefined && <span className="error-message">{problem}</span>}
    </label>
  );
}
