import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tables } from "@svcmap/model";
import { appendRecords } from "../../store/table-appender.js";
import { WorkspaceStore } from "../../store/workspace-store.js";
import { KqlEngine } from "../engine.js";

/** A fixed `now` for every compiler test, so that ago() and now() give the same SQL and answers. */
export const fixtureNow = new Date("2026-11-20T12:00:00Z");

const at = (iso: string): Date => new Date(`2026-11-20T${iso}Z`);

/**
 * A tiny estate whose every answer can be worked out by hand: two monitored machines (web1 → app1), one
 * unmonitored client, one internet destination, a failing connection and a restart.
 */
export async function openFixture(): Promise<{ store: WorkspaceStore; engine: KqlEngine; close(): void }> {
  const dir = mkdtempSync(join(tmpdir(), "svcmap-kql-"));
  const store = await WorkspaceStore.open({ dataDir: dir });
  const common = {
    TenantId: store.workspaceId,
    SourceSystem: "Insights",
    _IsBillable: "true",
    _BilledSize: 100,
  };
  await store.withConnection(async (c) => {
    await appendRecords(c, tables.VMComputer, [
      {
        ...common,
        Type: "VMComputer",
        TimeGenerated: at("10:00:00"),
        Computer: "web1.contoso.com",
        Machine: "m-11111111-1111-1111-1111-111111111111",
        AgentId: "11111111-1111-1111-1111-111111111111",
        AzureResourceName: "m-11111111-1111-1111-1111-111111111111",
        _ResourceId: "/machines/m-11111111-1111-1111-1111-111111111111",
        Ipv4Addresses: ["10.0.0.1"],
        DnsNames: ["web1.contoso.com"],
        OperatingSystemFullName: "Ubuntu 22.04",
        PhysicalMemoryMB: 8192n,
        Cpus: 4,
        CpuSpeed: 2400,
        BootTime: at("01:00:00"),
        AzureLocation: "westeurope",
        AzureSize: "Standard_D4s_v5",
      },
      {
        ...common,
        Type: "VMComputer",
        TimeGenerated: at("11:00:00"),
        Computer: "web1.contoso.com",
        Machine: "m-11111111-1111-1111-1111-111111111111",
        AgentId: "11111111-1111-1111-1111-111111111111",
        AzureResourceName: "m-11111111-1111-1111-1111-111111111111",
        _ResourceId: "/machines/m-11111111-1111-1111-1111-111111111111",
        Ipv4Addresses: ["10.0.0.1"],
        DnsNames: ["web1.contoso.com"],
        OperatingSystemFullName: "Ubuntu 22.04",
        PhysicalMemoryMB: 16384n,
        Cpus: 4,
        CpuSpeed: 2400,
        BootTime: at("01:00:00"),
        AzureLocation: "westeurope",
        AzureSize: "Standard_D4s_v5",
      },
      {
        ...common,
        Type: "VMComputer",
        TimeGenerated: at("11:00:00"),
        Computer: "app1.contoso.com",
        Machine: "m-22222222-2222-2222-2222-222222222222",
        AgentId: "22222222-2222-2222-2222-222222222222",
        AzureResourceName: "m-22222222-2222-2222-2222-222222222222",
        _ResourceId: "/machines/m-22222222-2222-2222-2222-222222222222",
        Ipv4Addresses: ["10.0.0.2", "192.168.1.2"],
        DnsNames: ["app1.contoso.com"],
        OperatingSystemFullName: "CentOS Linux 7",
        PhysicalMemoryMB: 4096n,
        Cpus: 2,
        CpuSpeed: 2000,
        BootTime: at("05:30:00"),
        AzureLocation: "",
        AzureSize: "",
      },
    ]);
    await appendRecords(c, tables.VMProcess, [
      {
        ...common,
        Type: "VMProcess",
        TimeGenerated: at("10:00:00"),
        Computer: "web1.contoso.com",
        Machine: "m-11111111-1111-1111-1111-111111111111",
        Process: "p-aaaa",
        ExecutableName: "nginx",
        DisplayName: "nginx",
        CommandLine: "nginx -g daemon off;",
        ProductVersion: "1.22.1",
        StartTime: at("01:00:05"),
        FirstPid: 100,
        Role: "webServer",
        _ResourceId: "/machines/m-11111111-1111-1111-1111-111111111111/processes/p-aaaa",
      },
      {
        ...common,
        Type: "VMProcess",
        TimeGenerated: at("10:00:00"),
        Computer: "app1.contoso.com",
        Machine: "m-22222222-2222-2222-2222-222222222222",
        Process: "p-bbbb",
        ExecutableName: "java",
        DisplayName: "orders-api",
        CommandLine: "java -jar orders.jar --db=postgresql://db",
        ProductVersion: "17.0.9",
        StartTime: at("05:31:00"),
        FirstPid: 200,
        Role: "appServer",
        _ResourceId: "/machines/m-22222222-2222-2222-2222-222222222222/processes/p-bbbb",
      },
      {
        ...common,
        Type: "VMProcess",
        TimeGenerated: at("11:00:00"),
        Computer: "app1.contoso.com",
        Machine: "m-22222222-2222-2222-2222-222222222222",
        Process: "p-bbbb",
        ExecutableName: "java",
        DisplayName: "orders-api",
        CommandLine: "java -jar orders.jar --db=postgresql://db",
        ProductVersion: "17.0.10",
        StartTime: at("10:45:00"),
        FirstPid: 900,
        Role: "appServer",
        _ResourceId: "/machines/m-22222222-2222-2222-2222-222222222222/processes/p-bbbb",
      },
    ]);
    const connection = (minute: string, over: Record<string, unknown>) => ({
      ...common,
      Type: "VMConnection",
      TimeGenerated: at(minute),
      Protocol: "tcp",
      LinksEstablished: 1n,
      LinksTerminated: 1n,
      LinksLive: 0n,
      LinksFailed: 0n,
      Responses: 2n,
      ResponseTimeSum: 30n,
      ResponseTimeMin: 10n,
      ResponseTimeMax: 20n,
      ...over,
    });
    const web = {
      Computer: "web1.contoso.com",
      Machine: "m-11111111-1111-1111-1111-111111111111",
      Process: "p-aaaa",
      ProcessName: "nginx",
      AgentId: "11111111-1111-1111-1111-111111111111",
    };
    const app = {
      Computer: "app1.contoso.com",
      Machine: "m-22222222-2222-2222-2222-222222222222",
      Process: "p-bbbb",
      ProcessName: "java",
      AgentId: "22222222-2222-2222-2222-222222222222",
    };
    await appendRecords(c, tables.VMConnection, [
      connection("10:00:00", {
        ...web,
        Direction: "inbound",
        SourceIp: "172.16.5.9",
        DestinationIp: "10.0.0.1",
        DestinationPort: 443,
        RemoteIp: "172.16.5.9",
        BytesSent: 5000n,
        BytesReceived: 700n,
        ConnectionId: "c-in-1",
      }),
      connection("10:01:00", {
        ...web,
        Direction: "inbound",
        SourceIp: "172.16.5.9",
        DestinationIp: "10.0.0.1",
        DestinationPort: 443,
        RemoteIp: "172.16.5.9",
        BytesSent: 3000n,
        BytesReceived: 300n,
        ConnectionId: "c-in-1",
      }),
      connection("10:00:00", {
        ...web,
        Direction: "outbound",
        SourceIp: "10.0.0.1",
        DestinationIp: "10.0.0.2",
        DestinationPort: 8080,
        RemoteIp: "10.0.0.2",
        BytesSent: 400n,
        BytesReceived: 4000n,
        ConnectionId: "c-out-1",
      }),
      connection("10:00:00", {
        ...app,
        Direction: "inbound",
        SourceIp: "10.0.0.1",
        DestinationIp: "10.0.0.2",
        DestinationPort: 8080,
        RemoteIp: "10.0.0.1",
        BytesSent: 4000n,
        BytesReceived: 400n,
        ConnectionId: "c-in-2",
      }),
      connection("10:02:00", {
        ...app,
        Direction: "outbound",
        SourceIp: "10.0.0.2",
        DestinationIp: "140.82.112.3",
        DestinationPort: 443,
        RemoteIp: "140.82.112.3",
        BytesSent: 100n,
        BytesReceived: 2000n,
        RemoteCountry: "United States",
        RemoteLatitude: 37.78,
        RemoteLongitude: -122.39,
        RemoteDnsQuestions: '["api.github.com"]',
        ConnectionId: "c-out-2",
      }),
      connection("11:30:00", {
        ...app,
        Direction: "outbound",
        SourceIp: "10.0.0.2",
        DestinationIp: "10.0.0.9",
        DestinationPort: 5432,
        RemoteIp: "10.0.0.9",
        BytesSent: 0n,
        BytesReceived: 0n,
        LinksEstablished: 0n,
        LinksTerminated: 0n,
        LinksFailed: 3n,
        Responses: 0n,
        ResponseTimeSum: null,
        ResponseTimeMin: null,
        ResponseTimeMax: null,
        ConnectionId: "c-out-3",
      }),
    ]);
    await appendRecords(c, tables.VMBoundPort, [
      {
        ...common,
        Type: "VMBoundPort",
        TimeGenerated: at("10:00:00"),
        ...web,
        Ip: "0.0.0.0",
        Port: 443,
        Protocol: "tcp",
        IsWildcardBind: true,
        PortId: "p-aaaa:0.0.0.0:443:tcp",
        LinksEstablished: 2n,
        LinksLive: 1n,
        BytesSent: 8000n,
        BytesReceived: 1000n,
      },
      {
        ...common,
        Type: "VMBoundPort",
        TimeGenerated: at("10:00:00"),
        ...app,
        Ip: "10.0.0.2",
        Port: 8080,
        Protocol: "tcp",
        IsWildcardBind: false,
        PortId: "p-bbbb:10.0.0.2:8080:tcp",
        LinksEstablished: 1n,
        LinksLive: 1n,
        BytesSent: 4000n,
        BytesReceived: 400n,
      },
      {
        ...common,
        Type: "VMBoundPort",
        TimeGenerated: at("10:00:00"),
        ...app,
        Ip: "127.0.0.1",
        Port: 9000,
        Protocol: "tcp",
        IsWildcardBind: false,
        PortId: "p-bbbb:127.0.0.1:9000:tcp",
        LinksEstablished: 0n,
        LinksLive: 0n,
        BytesSent: 0n,
        BytesReceived: 0n,
      },
    ]);
  });
  const engine = new KqlEngine(store);
  return {
    store,
    engine,
    close() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
