// Several processes of one program on a machine (three `java`, two `python3`) would all be labelled alike;
// each gets the part of what it is that tells it from the others: the distinguishing word of its command
// line, else the ports it serves, else its group, else a number. The API labels nodes once, so the map,
// its tooltips and the properties pane all say the same.

export interface ProcessLabelInput {
  readonly id: string;
  readonly machine: string;
  readonly process: string;
  readonly label: string;
  readonly commandLine: string;
  readonly group: string;
  /** Ports the process accepted connections on in the range. */
  readonly ports: readonly number[];
}

const maxPartLength = 40;

/** New labels by node id, for the processes whose label another process of the same machine shares. */
export function distinguishingLabels(processes: readonly ProcessLabelInput[]): Map<string, string> {
  const byName = new Map<string, ProcessLabelInput[]>();
  for (const p of processes) {
    const key = `${p.machine}\u0000${p.label}`;
    byName.set(key, [...(byName.get(key) ?? []), p]);
  }
  const labels = new Map<string, string>();
  for (const same of byName.values()) {
    if (same.length < 2) continue;
    const sorted = [...same].sort((a, b) => a.process.localeCompare(b.process));
    const parts = firstDistinct([
      commandLineParts(sorted.map((p) => p.commandLine)),
      sorted.map((p) =>
        p.ports.length === 0 ? "" : `port ${[...p.ports].sort((a, b) => a - b).join(", ")}`,
      ),
      sorted.map((p) => p.group),
    ]);
    sorted.forEach((p, i) => {
      const part = parts?.[i] ?? `#${i + 1}`;
      labels.set(p.id, `${p.label} (${part})`);
    });
  }
  return labels;
}

/** The first candidate list whose entries are all non-empty and all different. */
function firstDistinct(candidates: readonly (readonly string[])[]): readonly string[] | undefined {
  return candidates.find((parts) => parts.every((p) => p !== "") && new Set(parts).size === parts.length);
}

/**
 * For each command line, the word that tells it from the others, shortened: a path to its last part
 * (`/opt/app/orders.jar` → `orders.jar`), `--name=value` to its value. Words that are not options
 * (the jar, script or main class) are preferred to options; "" when nothing tells it apart.
 */
export function commandLineParts(commandLines: readonly string[]): string[] {
  const words = commandLines.map((c) =>
    c
      .trim()
      .split(/\s+/)
      .filter((w) => w !== ""),
  );
  const own = words.map((line, i) => {
    const others = new Set(words.filter((_, j) => j !== i).flat());
    return line.filter((w) => !others.has(w)).map((w) => ({ option: w.startsWith("-"), short: shorten(w) }));
  });
  return own.map((mine, i) => {
    const theirs = new Set(own.filter((_, j) => j !== i).flatMap((o) => o.map((w) => w.short)));
    const telling = mine.filter((w) => !theirs.has(w.short));
    return (telling.find((w) => !w.option) ?? telling[0])?.short ?? "";
  });
}

function shorten(word: string): string {
  const value = word.includes("=") ? word.slice(word.indexOf("=") + 1) : word;
  const last = value.replace(/\/+$/, "").split("/").pop() ?? value;
  const part = last === "" ? value : last;
  return part.length > maxPartLength ? `${part.slice(0, maxPartLength - 1)}…` : part;
}
