import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import type { TableSchema } from "@svcmap/model";
import { createTableSql } from "./schema-ddl.js";
import { appendRecords, type StoredRecord } from "./table-appender.js";

const everyType: TableSchema = {
  name: "EveryType",
  columns: [
    { name: "S", type: "string" },
    { name: "I", type: "int" },
    { name: "L", type: "long" },
    { name: "R", type: "real" },
    { name: "B", type: "bool" },
    { name: "D", type: "datetime" },
    { name: "T", type: "timespan" },
    { name: "J", type: "dynamic" },
    { name: "G", type: "guid" },
    { name: "M", type: "decimal" },
  ],
};

async function roundTrip(records: StoredRecord[]): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run(createTableSql(everyType));
    expect(await appendRecords(connection, everyType, records)).toBe(records.length);
    const reader = await connection.runAndReadAll(
      `SELECT S, I, L, R, B, epoch_us(D), T, CAST(J AS VARCHAR), CAST(G AS VARCHAR), CAST(M AS VARCHAR) FROM EveryType`,
    );
    return reader.getRowsJS();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe("appendRecords", () => {
  it("stores every Kusto type, with missing values as '' for strings and NULL otherwise", async () => {
    const rows = await roundTrip([
      {
        S: "short",
        I: -2147483648,
        L: -1,
        R: 0.5,
        B: true,
        D: new Date("2026-05-01T10:00:00.123Z"),
        T: 36_000_000_000n,
        J: { a: [1, "x"] },
        G: "0F8FAD5B-D9CB-469F-A165-70867728950E",
        M: "12345678901234567890.123456789012345678",
      },
      { S: null, I: 2147483647, L: 9_007_199_254_740_993n, B: false },
      {},
    ]);
    expect(rows).toEqual([
      [
        "short",
        -2147483648,
        -1n,
        0.5,
        true,
        1_777_629_600_123_000n,
        36_000_000_000n,
        '{"a":[1,"x"]}',
        "0f8fad5b-d9cb-469f-a165-70867728950e",
        "12345678901234567890.123456789012345678",
      ],
      ["", 2147483647, 9_007_199_254_740_993n, null, false, null, null, null, null, null],
      ["", null, null, null, null, null, null, null, null, null],
    ]);
  });

  it("keeps strings exact across the inline limit, non-ASCII text and repeated long values", async () => {
    const texts = [
      "",
      "twelve bytes",
      "thirteen byte",
      "héllo wörld",
      "日本語のテキスト",
      "emoji 🙂🙂🙂",
      "m-2f1b5c1e-1111-2222-3333-444455556666",
      "m-2f1b5c1e-1111-2222-3333-444455556666",
      "m-2f1b5c1e-1111-2222-3333-444455556666",
      "another long value, different from the last",
      "nul\u0000inside",
    ];
    const many = Array.from({ length: 5000 }, (_, i) => texts[i % texts.length] as string);
    const rows = await roundTrip(many.map((S, i) => ({ S, I: i })));
    expect(rows.map((r) => r[0])).toEqual(many);
    expect(rows.map((r) => r[1])).toEqual(many.map((_, i) => i));
  });

  it("refuses an int that does not fit 32 bits and leaves nothing behind", async () => {
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    await connection.run(createTableSql(everyType));
    const records = Array.from({ length: 3000 }, (_, i) => ({ I: i === 2500 ? 2 ** 31 : i }));
    await expect(appendRecords(connection, everyType, records)).rejects.toThrow(/32-bit/);
    const count = await connection.runAndReadAll("SELECT count(*) FROM EveryType");
    expect(count.getRowsJS()).toEqual([[0n]]);
    connection.closeSync();
    instance.closeSync();
  });
});
