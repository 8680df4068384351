import { describe, expect, it } from "vitest";
import { agentOptionsFrom, parseTags } from "./agent.js";

describe("svcmap agent's options", () => {
  it("reads the workspace, key, tags and intervals", () => {
    expect(
      agentOptionsFrom([
        "--workspace",
        "https://ws.example.net:7150/",
        "--key",
        "svcmap_k",
        "--tags",
        "site=lon1, rack=r12",
        "--interval",
        "5",
        "--namespaces",
        "own",
      ]),
    ).toEqual({
      workspaceUrl: "https://ws.example.net:7150",
      key: "svcmap_k",
      tags: { site: "lon1", rack: "r12" },
      pollIntervalMs: 5000,
      reportIntervalMs: 60_000,
      stateDir: "./svcmap-agent",
      namespaces: "own",
      capture: "auto",
    });
  });

  it("says what is wrong with a bad option", () => {
    expect(() => agentOptionsFrom([])).toThrow(/--workspace URL is required/);
    expect(() => agentOptionsFrom(["--workspace", "ws:7150"])).toThrow(/must be http/);
    expect(() => agentOptionsFrom(["--workspace", "not a url"])).toThrow(/must be a URL/);
    expect(() => agentOptionsFrom(["--workspace", "http://h", "--interval", "0"])).toThrow(
      /--interval must be/,
    );
    expect(() => agentOptionsFrom(["--workspace", "http://h", "--capture", "yes"])).toThrow(/auto or off/);
    expect(() => parseTags("site=lon1,rack")).toThrow(/'rack' has no '='/);
  });
});
