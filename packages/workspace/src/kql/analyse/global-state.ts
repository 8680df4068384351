import { legacyViews, tables, type ColumnSchema, type TableSchema } from "@svcmap/model";
import { connectionRollup } from "../../store/connection-rollup.js";
import { kustoLanguage } from "./kusto-language.js";

/** The tables a query can name: every stored table and every legacy view. */
export function queryableTables(): readonly TableSchema[] {
  return [...Object.values(tables), ...legacyViews];
}

/** The materialized views a query can name with materialized_view(): summaries the workspace keeps. */
export function materializedViews(): readonly TableSchema[] {
  return [connectionRollup];
}

let cached: Kusto.Language.GlobalState | undefined;

/** Kusto's GlobalState for the workspace schema: the database the analyser resolves names against. */
export function workspaceGlobalState(): Kusto.Language.GlobalState {
  if (cached !== undefined) return cached;
  const language = kustoLanguage();
  const symbols = queryableTables().map(
    (table) => new language.Symbols.TableSymbol.$ctor7(table.name, schemaText(table.columns), null),
  );
  const views = materializedViews().map(
    (view) =>
      new language.Symbols.MaterializedViewSymbol.$ctor3(view.name, schemaText(view.columns), "", null),
  );
  const members = [
    ...symbols,
    ...views,
  ] as unknown as System.Collections.Generic.IEnumerable$1<Kusto.Language.Symbols.Symbol>;
  const database = new language.Symbols.DatabaseSymbol.$ctor1("workspace", members, false);
  const state = language.GlobalState.Default?.WithDatabase(database) ?? null;
  if (state === null) throw new Error("could not build the Kusto global state");
  cached = state;
  return state;
}

function schemaText(columns: readonly ColumnSchema[]): string {
  // Kusto's schema text quotes names with ['…'] so that names like _ResourceId or $table need no care.
  const parts = columns.map((c) => `['${c.name.replaceAll("'", "\\'")}']:${c.type}`);
  return `(${parts.join(", ")})`;
}
