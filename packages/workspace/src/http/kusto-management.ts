// The management commands that Kusto clients send on their own, to learn what a database holds: the version,
// the databases, the tables with their columns, and the stored functions. Each answers from the same schema
// the KQL engine analyses against. Commands that change anything are not supported: tables are fixed by the
// schema, and stored functions are saved through the web UI and /api/saved.

import type { KustoType } from "@svcmap/model";
import { queryableTables } from "../kql/analyse/global-state.js";
import { parameterListText, type StoredFunction } from "../kql/analyse/stored-functions.js";
import type { ResultTable, ResultValue } from "../kql/result.js";
import { ApiError, badArgument } from "./api-error.js";

export interface ManagementContext {
  readonly databaseName: string;
  readonly prettyName: string;
  readonly version: string;
  readonly startedAt: Date;
  readonly functions: readonly StoredFunction[];
}

/** The .NET type names Kusto's schema documents give each column type beside its CSL type. */
const dotNetSchemaTypes: Readonly<Record<KustoType, string>> = {
  bool: "System.SByte",
  datetime: "System.DateTime",
  decimal: "System.Data.SqlTypes.SqlDecimal",
  dynamic: "System.Object",
  guid: "System.Guid",
  int: "System.Int32",
  long: "System.Int64",
  real: "System.Double",
  string: "System.String",
  timespan: "System.TimeSpan",
};

const name = String.raw`(?:\['([^']+)'\]|\["([^"]+)"\]|([A-Za-z_][\w-]*))`;
const commands: readonly {
  readonly pattern: RegExp;
  readonly answer: (context: ManagementContext, match: RegExpExecArray) => ResultTable;
}[] = [
  { pattern: /^\.show\s+version$/i, answer: showVersion },
  { pattern: /^\.show\s+databases(?:\s+details)?$/i, answer: showDatabases },
  {
    pattern: new RegExp(String.raw`^\.show\s+databases\s+schema\s+as\s+json$`, "i"),
    answer: (context) => databaseSchemaJson(context),
  },
  {
    pattern: new RegExp(String.raw`^\.show\s+database(?:\s+${name})?\s+schema\s+as\s+json$`, "i"),
    answer: (context, match) => {
      checkDatabase(context, nameOf(match, 1));
      return databaseSchemaJson(context);
    },
  },
  {
    pattern: new RegExp(String.raw`^\.show\s+database(?:\s+${name})?\s+schema(?:\s+details)?$`, "i"),
    answer: (context, match) => {
      checkDatabase(context, nameOf(match, 1));
      return databaseSchemaRows(context);
    },
  },
  { pattern: /^\.show\s+tables(?:\s+details)?$/i, answer: showTables },
  {
    pattern: new RegExp(String.raw`^\.show\s+table\s+${name}\s+schema\s+as\s+json$`, "i"),
    answer: (context, match) => showTableSchema(context, nameOf(match, 1) ?? "", "json"),
  },
  {
    pattern: new RegExp(String.raw`^\.show\s+table\s+${name}\s+cslschema$`, "i"),
    answer: (context, match) => showTableSchema(context, nameOf(match, 1) ?? "", "csl"),
  },
  {
    pattern: new RegExp(String.raw`^\.show\s+table\s+${name}$`, "i"),
    answer: (context, match) => showTableColumns(context, nameOf(match, 1) ?? ""),
  },
  { pattern: /^\.show\s+functions$/i, answer: (context) => showFunctions(context.functions) },
  {
    pattern: new RegExp(String.raw`^\.show\s+function\s+${name}$`, "i"),
    answer: (context, match) => {
      const wanted = nameOf(match, 1) ?? "";
      const found = context.functions.filter((f) => f.name === wanted);
      if (found.length === 0) throw entityNotFound(`function '${wanted}'`);
      return showFunctions(found);
    },
  },
];

/** Whether the request text is a management command (it starts with a dot) rather than a query. */
export function isManagementCommand(text: string): boolean {
  return withoutComments(text).trimStart().startsWith(".");
}

export function runManagementCommand(text: string, context: ManagementContext): ResultTable {
  const command = withoutComments(text).trim().replace(/;\s*$/, "").replace(/\s+/g, " ");
  for (const { pattern, answer } of commands) {
    const match = pattern.exec(command);
    if (match !== null) return answer(context, match);
  }
  const verb = /^\.[A-Za-z-]+(?:\s+[A-Za-z-]+)?/.exec(command)?.[0] ?? command.slice(0, 40);
  throw badArgument({
    code: "NotSupported",
    message:
      `not supported: the management command '${verb}'. svcmap answers .show version, .show databases, ` +
      `.show database schema [as json], .show tables, .show table T [schema as json | cslschema], ` +
      `.show functions and .show function F`,
  });
}

function withoutComments(text: string): string {
  return text.replace(/^\s*\/\/[^\n]*(\n|$)/gm, "");
}

function nameOf(match: RegExpExecArray, first: number): string | undefined {
  return match[first] ?? match[first + 1] ?? match[first + 2];
}

function checkDatabase(context: ManagementContext, wanted: string | undefined): void {
  if (wanted !== undefined && !databaseNames(context).includes(wanted.toLowerCase()))
    throw entityNotFound(`database '${wanted}'`);
}

/** The names a client may use for the one database of this workspace. */
export function databaseNames(context: Pick<ManagementContext, "databaseName" | "prettyName">): string[] {
  return [context.databaseName.toLowerCase(), context.prettyName.toLowerCase(), "default", "netdefaultdb"];
}

function entityNotFound(what: string): ApiError {
  return new ApiError(404, {
    code: "EntityNotFound",
    message: `${what} was not found in this workspace`,
  });
}

function table(name: string, columns: readonly [string, KustoType][], rows: ResultValue[][]): ResultTable {
  return { name, columns: columns.map(([n, type]) => ({ name: n, type })), rows };
}

function showVersion(context: ManagementContext): ResultTable {
  return table(
    "Table_0",
    [
      ["BuildVersion", "string"],
      ["BuildTime", "datetime"],
      ["ServiceType", "string"],
      ["ProductVersion", "string"],
      ["ServiceOffering", "string"],
    ],
    [[context.version, context.startedAt.toISOString(), "Engine", `svcmap ${context.version}`, "svcmap"]],
  );
}

function showDatabases(context: ManagementContext): ResultTable {
  return table(
    "Table_0",
    [
      ["DatabaseName", "string"],
      ["PersistentStorage", "string"],
      ["Version", "string"],
      ["IsCurrent", "bool"],
      ["DatabaseAccessMode", "string"],
      ["PrettyName", "string"],
      ["CurrentUserIsUnrestrictedViewer", "bool"],
      ["DatabaseId", "guid"],
    ],
    [[context.databaseName, "", "v1.0", true, "ReadOnly", context.prettyName, false, context.databaseName]],
  );
}

function databaseSchemaJson(context: ManagementContext): ResultTable {
  const tables = Object.fromEntries(
    queryableTables().map((t) => [
      t.name,
      {
        Name: t.name,
        EntityType: "Table",
        OrderedColumns: t.columns.map((c) => ({
          Name: c.name,
          Type: dotNetSchemaTypes[c.type],
          CslType: c.type,
          DocString: null,
        })),
        Folder: null,
        DocString: null,
      },
    ]),
  );
  const functions = Object.fromEntries(
    context.functions.map((f) => [
      f.name,
      {
        Name: f.name,
        InputParameters: f.parameters.map((p) => ({
          Name: p.name,
          Type: dotNetSchemaTypes[p.type],
          CslType: p.type,
          ...(p.default === undefined ? {} : { CslDefaultValue: p.default }),
        })),
        Body: `{${f.body}}`,
        Folder: null,
        DocString: f.description === "" ? null : f.description,
        FunctionKind: "Unknown",
        OutputColumns: [],
      },
    ]),
  );
  const schema = {
    Plugins: [],
    Databases: {
      [context.databaseName]: {
        Name: context.databaseName,
        Tables: tables,
        ExternalTables: {},
        MaterializedViews: {},
        Functions: functions,
        EntityGroups: {},
        DatabaseAccessMode: "ReadOnly",
        MajorVersion: 1,
        MinorVersion: 0,
      },
    },
  };
  return table("Table_0", [["DatabaseSchema", "string"]], [[JSON.stringify(schema)]]);
}

function databaseSchemaRows(context: ManagementContext): ResultTable {
  const rows = queryableTables().flatMap((t) =>
    t.columns.map((c): ResultValue[] => [
      context.databaseName,
      t.name,
      c.name,
      dotNetSchemaTypes[c.type],
      false,
      false,
      "",
      "",
      "",
      "",
    ]),
  );
  return table(
    "Table_0",
    [
      ["DatabaseName", "string"],
      ["TableName", "string"],
      ["ColumnName", "string"],
      ["ColumnType", "string"],
      ["IsDefaultTable", "bool"],
      ["IsDefaultColumn", "bool"],
      ["PrettyName", "string"],
      ["Version", "string"],
      ["Folder", "string"],
      ["DocString", "string"],
    ],
    rows,
  );
}

function showTables(context: ManagementContext): ResultTable {
  return table(
    "Table_0",
    [
      ["TableName", "string"],
      ["DatabaseName", "string"],
      ["Folder", "string"],
      ["DocString", "string"],
    ],
    queryableTables().map((t) => [t.name, context.databaseName, "", ""]),
  );
}

function findTable(wanted: string): ReturnType<typeof queryableTables>[number] {
  const found = queryableTables().find((t) => t.name === wanted);
  if (found === undefined) throw entityNotFound(`table '${wanted}'`);
  return found;
}

function showTableSchema(context: ManagementContext, wanted: string, form: "json" | "csl"): ResultTable {
  const found = findTable(wanted);
  const schema =
    form === "csl"
      ? found.columns.map((c) => `${c.name}:${c.type}`).join(",")
      : JSON.stringify({
          Name: found.name,
          OrderedColumns: found.columns.map((c) => ({
            Name: c.name,
            Type: dotNetSchemaTypes[c.type],
            CslType: c.type,
          })),
        });
  return table(
    "Table_0",
    [
      ["TableName", "string"],
      ["Schema", "string"],
      ["DatabaseName", "string"],
      ["Folder", "string"],
      ["DocString", "string"],
    ],
    [[found.name, schema, context.databaseName, "", ""]],
  );
}

function showTableColumns(_context: ManagementContext, wanted: string): ResultTable {
  const found = findTable(wanted);
  return table(
    "Table_0",
    [
      ["AttributeName", "string"],
      ["AttributeType", "string"],
      ["ExtentSize", "long"],
      ["CompressionRatio", "real"],
      ["IndexSize", "long"],
      ["IndexSizePercent", "real"],
      ["OriginalSize", "long"],
      ["AttributeId", "guid"],
      ["SharedIndexSize", "long"],
      ["StorageEngineVersion", "string"],
    ],
    found.columns.map((c) => [
      c.name,
      dotNetSchemaTypes[c.type],
      null,
      null,
      null,
      null,
      null,
      null,
      null,
      "",
    ]),
  );
}

function showFunctions(functions: readonly StoredFunction[]): ResultTable {
  return table(
    "Table_0",
    [
      ["Name", "string"],
      ["Parameters", "string"],
      ["Body", "string"],
      ["Folder", "string"],
      ["DocString", "string"],
    ],
    functions.map((f) => [f.name, parameterListText(f.parameters), `{${f.body}}`, "", f.description]),
  );
}
