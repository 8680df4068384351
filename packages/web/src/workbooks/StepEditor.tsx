import { stepVisualizations, type WorkbookItem } from "./workbook.js";

interface Props {
  readonly item: WorkbookItem;
  readonly index: number;
  readonly count: number;
  /** undefined removes the step. */
  readonly onChange: (item: WorkbookItem | undefined) => void;
  readonly onMove: (to: number) => void;
}

/** A step in edit mode: its text, or its title, query, visualization and width; moved and removed here. */
export function StepEditor({ item, index, count, onChange, onMove }: Props) {
  const position = `Step ${index + 1}`;
  return (
    <section className="workbook-step full step-editor" aria-label={`${position} (editing)`}>
      <div className="step-editor-actions">
        <strong>
          {position}: {item.type}
        </strong>
        <button
          type="button"
          disabled={index === 0}
          onClick={() => onMove(index - 1)}
          aria-label={`Move ${position} up`}
        >
          ↑
        </button>
        <button
          type="button"
          disabled={index === count - 1}
          onClick={() => onMove(index + 1)}
          aria-label={`Move ${position} down`}
        >
          ↓
        </button>
        <button type="button" onClick={() => onChange(undefined)} aria-label={`Remove ${position}`}>
          Remove
        </button>
      </div>
      {item.type === "text" ? (
        <label>
          Text (lines starting with # are headings)
          <textarea
            rows={4}
            value={item.text}
            onChange={(e) => onChange({ ...item, text: e.target.value })}
          />
        </label>
      ) : (
        <>
          <label>
            Title
            <input value={item.title} onChange={(e) => onChange({ ...item, title: e.target.value })} />
          </label>
          <label>
            Query ({"{Name}"} puts a parameter's value in, as a string)
            <textarea
              rows={6}
              className="code"
              spellCheck={false}
              value={item.query}
              onChange={(e) => onChange({ ...item, query: e.target.value })}
            />
          </label>
          <div className="step-editor-row">
            <label>
              Visualization
              <select
                value={item.visualization}
                onChange={(e) =>
                  onChange({ ...item, visualization: e.target.value as typeof item.visualization })
                }
              >
                {stepVisualizations.map((v) => (
                  <option key={v} value={v}>
                    {v === "auto" ? "as the query renders" : v}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Width
              <select
                value={item.width}
                onChange={(e) => onChange({ ...item, width: e.target.value === "half" ? "half" : "full" })}
              >
                <option value="full">full</option>
                <option value="half">half</option>
              </select>
            </label>
          </div>
        </>
      )}
    </section>
  );
}
