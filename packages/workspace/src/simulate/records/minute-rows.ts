import type { StoredRecord } from "../../store/table-appender.js";

/**
 * The rows of one table for the minutes [fromMinute, toMinute) of the window, in time order. Tables are
 * written a slice of minutes at a time, so that no single append has to hold a whole day of rows.
 */
export type MinuteRows = (fromMinute: number, toMinute: number) => Iterable<StoredRecord>;
