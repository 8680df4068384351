import { describe, expect, it } from "vitest";
import { commandLineParts, distinguishingLabels, type ProcessLabelInput } from "./process-labels.js";

function proc(process: string, label: string, extra: Partial<ProcessLabelInput> = {}): ProcessLabelInput {
  return {
    id: `p:${process}`,
    machine: "m1",
    process,
    label,
    commandLine: "",
    group: "",
    ports: [],
    ...extra,
  };
}

describe("labels of same-name processes", () => {
  it("takes the telling word of each command line, preferring the jar or script to options", () => {
    expect(
      commandLineParts([
        "/usr/bin/java -Xmx1g -jar /opt/orders/orders-service.jar",
        "/usr/bin/java -Xmx2g -jar /opt/billing/billing-service.jar",
      ]),
    ).toEqual(["orders-service.jar", "billing-service.jar"]);
    expect(
      commandLineParts([
        "python3 /srv/a/worker.py --queue=orders",
        "python3 /srv/b/worker.py --queue=billing",
      ]),
    ).toEqual(["orders", "billing"]);
  });

  it("labels only processes whose name another process of the machine shares", () => {
    const labels = distinguishingLabels([
      proc("b", "java", { commandLine: "java -jar /opt/b/billing.jar" }),
      proc("a", "java", { commandLine: "java -jar /opt/a/orders.jar" }),
      proc("c", "nginx"),
      { ...proc("d", "java"), machine: "m2" },
    ]);
    expect(Object.fromEntries(labels)).toEqual({ "p:a": "java (orders.jar)", "p:b": "java (billing.jar)" });
  });

  it("falls back to ports, then the group, then a number", () => {
    const byPort = distinguishingLabels([
      proc("a", "python3", { ports: [8080] }),
      proc("b", "python3", { ports: [9090, 8000] }),
    ]);
    expect(byPort.get("p:b")).toBe("python3 (port 8000, 9090)");
    const byGroup = distinguishingLabels([
      proc("a", "sh", { group: "cron" }),
      proc("b", "sh", { group: "ssh" }),
    ]);
    expect(byGroup.get("p:a")).toBe("sh (cron)");
    const numbered = distinguishingLabels([proc("b", "sh"), proc("a", "sh")]);
    expect([numbered.get("p:a"), numbered.get("p:b")]).toEqual(["sh (#1)", "sh (#2)"]);
  });
});
