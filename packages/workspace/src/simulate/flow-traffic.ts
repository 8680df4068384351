// What one flow did in one minute. The numbers come from a hash of (flow, minute) rather than a running
// stream, so the client's record, the server's record and the bound port's totals all see the same minute
// without having to be generated together.

import type { Flow } from "./estate-model.js";
import { isRunning } from "./process-factory.js";
import { hash2, Random } from "./random.js";

export const FlowOutcome = {
  /** Nothing happened in this minute: no record. */
  Silent: 0,
  /** Only failed attempts: the client reports them; the server saw nothing. */
  Failed: 1,
  /** Connections were made: both ends report. */
  Established: 2,
} as const;
export type FlowOutcome = (typeof FlowOutcome)[keyof typeof FlowOutcome];

/** The metrics of one minute, as the client sees them (the server's sent is the client's received). */
export interface MinuteTraffic {
  bytesSent: number;
  bytesReceived: number;
  linksEstablished: number;
  linksTerminated: number;
  linksLive: number;
  linksFailed: number;
  responses: number;
  responseTimeMin: number | null;
  responseTimeMax: number | null;
  responseTimeSum: number | null;
}

/** Evaluates flows minute by minute into one reused result, to keep the hot loop free of allocation. */
export class FlowTraffic {
  readonly current: MinuteTraffic = {
    bytesSent: 0,
    bytesReceived: 0,
    linksEstablished: 0,
    linksTerminated: 0,
    linksLive: 0,
    linksFailed: 0,
    responses: 0,
    responseTimeMin: null,
    responseTimeMax: null,
    responseTimeSum: null,
  };
  private readonly rng = new Random(0);

  evaluate(flow: Flow, minute: number): FlowOutcome {
    const client = flow.client;
    if (client !== undefined && !isRunning(client, minute)) return FlowOutcome.Silent;
    const rng = this.rng.reseed(hash2(flow.seed, minute));
    const shape = flow.shape;
    const load = flow.officeHours[minute] as number;
    const activity = shape.followsOfficeHours ? shape.activity * load : shape.activity;
    if (rng.next() >= activity) return FlowOutcome.Silent;

    const t = this.current;
    const serverUp = flow.server === undefined || isRunning(flow.server, minute);
    if (minute >= flow.failingFrom || !serverUp) {
      if (client === undefined) return FlowOutcome.Silent;
      t.bytesSent = 0;
      t.bytesReceived = 0;
      t.linksEstablished = 0;
      t.linksTerminated = 0;
      t.linksLive = 0;
      t.linksFailed = 1 + Math.floor(rng.next() * 3);
      t.responses = 0;
      t.responseTimeMin = null;
      t.responseTimeMax = null;
      t.responseTimeSum = null;
      return FlowOutcome.Failed;
    }

    const scale = 0.4 + 0.6 * load;
    const requests = Math.max(1, Math.round(shape.requestsPerMinute * scale * (0.6 + 0.8 * rng.next())));
    const churn = rng.next();
    let established: number;
    let live: number;
    let terminated: number;
    if (shape.pooledLinks > 0) {
      live = shape.pooledLinks;
      established = churn < 0.03 ? 1 : 0;
      terminated = established;
    } else {
      established = Math.max(1, Math.ceil(requests / shape.requestsPerLink));
      live = flow.protocol === "udp" || churn >= 0.25 ? 0 : 1;
      terminated = established - live;
    }
    t.linksEstablished = established;
    t.linksLive = live;
    t.linksTerminated = terminated;
    t.linksFailed = flow.flakiness > 0 && rng.next() < flow.flakiness ? 1 : 0;
    t.bytesSent = Math.round(requests * shape.requestBytes * (0.75 + 0.5 * rng.next())) + 60 * established;
    t.bytesReceived =
      Math.round(requests * shape.responseBytes * (0.6 + 0.8 * rng.next())) + 60 * established;
    t.responses = requests;
    const mean = shape.responseMs * (0.7 + 0.6 * rng.next()) * (0.8 + 0.4 * load);
    t.responseTimeMin = Math.round(mean * (0.3 + 0.3 * rng.next()));
    t.responseTimeMax = Math.max(t.responseTimeMin, Math.round(mean * (1.5 + 2.5 * rng.next())));
    t.responseTimeSum = Math.max(
      t.responseTimeMin * requests,
      Math.min(t.responseTimeMax * requests, Math.round(mean * requests)),
    );
    return FlowOutcome.Established;
  }
}
