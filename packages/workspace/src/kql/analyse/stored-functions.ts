// Stored functions: KQL functions saved in the workspace and callable from any query, as a Log Analytics
// workspace's saved functions are. They join the GlobalState as database functions, so Kusto's analyser
// resolves, types and expands them exactly like `let` functions, and lowering needs nothing new.

import { kustoTypes, type KustoType } from "@svcmap/model";
import { QueryError, type QueryDiagnostic } from "../errors.js";
import { workspaceGlobalState, queryableTables } from "./global-state.js";
import { kustoLanguage } from "./kusto-language.js";
import { elementsOf } from "./syntax.js";
import { positionOf } from "./analyse.js";

export interface StoredFunctionParameter {
  readonly name: string;
  readonly type: KustoType;
  /** A Kusto literal (`1h`, `"web"`, `10`); a parameter with a default may be left out of a call. */
  readonly default?: string;
}

export interface StoredFunction {
  readonly name: string;
  readonly parameters: readonly StoredFunctionParameter[];
  /** The function's body: a query or scalar expression, optionally preceded by let statements. */
  readonly body: string;
  readonly description: string;
}

/** Where the engine reads the current stored functions from; read at every query, so it must be cheap. */
export interface StoredFunctionSource {
  current(): readonly StoredFunction[];
}

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `(machine:string, window:timespan = 1h)`: the parameter list as Kusto writes it. */
export function parameterListText(parameters: readonly StoredFunctionParameter[]): string {
  return `(${parameters
    .map((p) => `${p.name}:${p.type}${p.default === undefined ? "" : ` = ${p.default}`}`)
    .join(", ")})`;
}

function symbolOf(fn: StoredFunction): Kusto.Language.Symbols.Symbol {
  const language = kustoLanguage();
  return new language.Symbols.FunctionSymbol.$ctor16(
    fn.name,
    parameterListText(fn.parameters),
    `{\n${fn.body}\n}`,
    fn.description,
  );
}

let cachedKey: string | undefined;
let cachedState: Kusto.Language.GlobalState | undefined;

/** The workspace's GlobalState with these functions in its database; the last one built is kept. */
export function globalStateWith(functions: readonly StoredFunction[]): Kusto.Language.GlobalState {
  const base = workspaceGlobalState();
  if (functions.length === 0) return base;
  const key = JSON.stringify(functions);
  if (key === cachedKey && cachedState !== undefined) return cachedState;
  const language = kustoLanguage();
  const members = [
    ...elementsOf<Kusto.Language.Symbols.Symbol>(base.Database?.Members),
    ...functions.map(symbolOf),
  ] as unknown as System.Collections.Generic.IEnumerable$1<Kusto.Language.Symbols.Symbol>;
  const database = new language.Symbols.DatabaseSymbol.$ctor1("workspace", members, false);
  const state = base.WithDatabase(database);
  if (state === null) throw new Error("could not build the Kusto global state");
  cachedKey = key;
  cachedState = state;
  return state;
}

/**
 * Checks a function before it is stored: its name and parameters, and its body analysed by Kusto with the
 * parameters bound and the other stored functions in scope. Errors carry positions within the body.
 */
export function checkStoredFunction(fn: StoredFunction, others: readonly StoredFunction[]): void {
  const problem = (message: string): never => {
    throw new QueryError("SemanticError", message);
  };
  if (!identifier.test(fn.name)) problem(`the function name '${fn.name}' is not a plain identifier`);
  if (queryableTables().some((t) => t.name.toLowerCase() === fn.name.toLowerCase()))
    problem(`the function name '${fn.name}' is the name of a table`);
  if (kustoLanguage().GlobalState.Default?.GetFunction(fn.name) != null)
    problem(`the function name '${fn.name}' is the name of a built-in function`);
  const seen = new Set<string>();
  for (const p of fn.parameters) {
    if (!identifier.test(p.name)) problem(`the parameter name '${p.name}' is not a plain identifier`);
    if (seen.has(p.name)) problem(`the parameter '${p.name}' is declared twice`);
    seen.add(p.name);
    if (!(kustoTypes as readonly string[]).includes(p.type))
      problem(`the parameter '${p.name}' has the unknown type '${String(p.type)}'`);
  }
  if (fn.body.trim() === "") problem("the function's body is empty");

  const prefix = `let ${fn.name} = ${parameterListText(fn.parameters)} {\n`;
  const text = `${prefix}${fn.body}\n};\nprint 0`;
  const globals = globalStateWith(others.filter((o) => o.name !== fn.name));
  const code = kustoLanguage().KustoCode.ParseAndAnalyze(text, globals);
  if (code === null) problem("the function could not be parsed");
  const errors = elementsOf<Kusto.Language.Diagnostic>(code?.GetDiagnostics()).filter(
    (d) => d.Severity === "Error",
  );
  const inBody = errors.map((d): QueryDiagnostic => {
    const start = Math.max(0, Math.min(d.Start - prefix.length, fn.body.length));
    const length = Math.max(0, Math.min(d.Length, fn.body.length - start));
    return { code: d.Code ?? "KS000", message: d.Message ?? "error", ...positionOf(fn.body, start, length) };
  });
  const first = inBody[0];
  if (first !== undefined) {
    throw new QueryError(
      "SemanticError",
      `${first.message} (line ${first.line}, column ${first.column} of the body)`,
      inBody,
    );
  }
}
