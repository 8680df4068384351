// The Query API reads its options from the Prefer header (RFC 7240): `include-render=true`,
// `include-statistics=true`, and `wait=N` for the server-side time limit in seconds.

export interface QueryPreferences {
  readonly includeRender: boolean;
  readonly includeStatistics: boolean;
  readonly waitSeconds?: number;
}

export function parsePreferHeader(header: string | readonly string[] | undefined): QueryPreferences {
  const text = typeof header === "string" ? header : (header ?? []).join(",");
  const values = new Map<string, string>();
  for (const part of text.split(/[,;]/)) {
    const [name, ...rest] = part.split("=");
    const key = name?.trim().toLowerCase();
    if (key)
      values.set(
        key,
        rest
          .join("=")
          .trim()
          .replace(/^"(.*)"$/, "$1")
          .toLowerCase(),
      );
  }
  const wait = Number(values.get("wait"));
  return {
    includeRender: values.get("include-render") === "true",
    includeStatistics: values.get("include-statistics") === "true",
    ...(Number.isFinite(wait) && wait > 0 ? { waitSeconds: wait } : {}),
  };
}

/** The preferences honoured, for the Preference-Applied response header. */
export function appliedPreferences(preferences: QueryPreferences, waitSeconds: number | undefined): string {
  const applied: string[] = [];
  if (preferences.includeRender) applied.push("include-render=true");
  if (preferences.includeStatistics) applied.push("include-statistics=true");
  if (waitSeconds !== undefined) applied.push(`wait=${waitSeconds}`);
  return applied.join(",");
}
