// Who a connection belongs to: the process as the tables name it (Process = p-{hex}, stable across restarts
// of the same program) and the PID it was seen in.

export interface ProcessRef {
  /** `p-{hex}` from processId(); "" when no process could be found (a connection that came and went). */
  readonly process: string;
  readonly processName: string;
  readonly pid: number;
}

export const unknownProcess: ProcessRef = { process: "", processName: "", pid: 0 };
