// Billed bytes by hour of TimeGenerated: what a batch adds to Usage. Plain data, so a worker can keep it too.

export const msPerHour = 3_600_000;

/** Billed bytes of one batch, by the hour of each record's TimeGenerated. */
export class UsageTally {
  private readonly bytesByHour = new Map<number, number>();

  add(timeGeneratedMs: number, bytes: number): void {
    const hour = Math.floor(timeGeneratedMs / msPerHour) * msPerHour;
    this.bytesByHour.set(hour, (this.bytesByHour.get(hour) ?? 0) + bytes);
  }

  get hours(): ReadonlyMap<number, number> {
    return this.bytesByHour;
  }

  get totalBytes(): number {
    let total = 0;
    for (const bytes of this.bytesByHour.values()) total += bytes;
    return total;
  }
}
