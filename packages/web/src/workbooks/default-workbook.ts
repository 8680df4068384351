// The workbook every workspace starts with: the analyses of the Service Map documents (the seeds) as one
// page, filtered by time range, machine group (the Azure resource group in _ResourceId) and machine.

import type { Workbook } from "./workbook.js";

/** Keeps a table's rows to the chosen group and machine; an empty choice keeps everything. */
const scope = `| where isempty({Group}) or tostring(split(_ResourceId, "/")[4]) == {Group}
| where isempty({Computer}) or Computer == {Computer}`;

export const defaultWorkbookTitle = "Service Map insights";

export const defaultWorkbook: Workbook = {
  version: 1,
  title: defaultWorkbookTitle,
  parameters: [
    { type: "timerange", name: "TimeRange", label: "Time range", default: "1440m" },
    {
      type: "dropdown",
      name: "Group",
      label: "Machine group",
      query: `VMComputer
| extend Group = tostring(split(_ResourceId, "/")[4])
| where isnotempty(Group)
| distinct Group
| order by Group asc`,
      allLabel: "All groups",
    },
    {
      type: "dropdown",
      name: "Computer",
      label: "Machine",
      query: `VMComputer
| where isempty({Group}) or tostring(split(_ResourceId, "/")[4]) == {Group}
| distinct Computer
| order by Computer asc`,
      allLabel: "All machines",
    },
  ],
  items: [
    {
      type: "text",
      text:
        "What the monitored machines talk to, how much, and how well: connections and bytes from VMConnection, " +
        "listening ports from VMBoundPort, processes and machines from VMProcess and VMComputer, and the " +
        "workspace's own data volume from Usage. Choose a time range, a machine group or one machine above.",
    },
    {
      type: "query",
      title: "Data volume by table and day (MB, whole workspace)",
      query: `Usage
| summarize MB = sum(Quantity) by Day = bin(TimeGenerated, 1d), DataType
| render columnchart with (kind=stacked, series=DataType, ytitle="MB")`,
      visualization: "auto",
      width: "full",
    },
    {
      type: "query",
      title: "Chattiest machines (connections established)",
      query: `VMConnection
${scope}
| summarize Connections = sum(LinksEstablished) by Computer
| top 10 by Connections
| render barchart`,
      visualization: "auto",
      width: "half",
    },
    {
      type: "query",
      title: "Chattiest processes (connections established)",
      query: `VMConnection
${scope}
| summarize Connections = sum(LinksEstablished) by ProcessName
| top 10 by Connections
| render barchart`,
      visualization: "auto",
      width: "half",
    },
    {
      type: "query",
      title: "Internet destinations (bytes sent)",
      query: `VMConnection
${scope}
| where isnotnull(RemoteLatitude) and isnotnull(RemoteLongitude)
| summarize BytesSent = sum(BytesSent), Connections = count() by RemoteCountry, RemoteLatitude, RemoteLongitude
| render scatterchart with (kind=map)`,
      visualization: "auto",
      width: "full",
    },
    {
      type: "query",
      title: "Outbound connections with and without DNS names",
      query: `VMConnection
${scope}
| where Direction == "outbound"
| summarize Connections = count() by Name = iff(RemoteDnsQuestions == "" or RemoteDnsQuestions == "[]", "without a DNS name", "with a DNS name")
| render piechart`,
      visualization: "auto",
      width: "half",
    },
    {
      type: "query",
      title: "Most contacted DNS names",
      query: `VMConnection
${scope}
| where RemoteDnsQuestions != ""
| summarize CountAll = count() by RemoteDnsQuestions
| top 15 by CountAll`,
      visualization: "table",
      width: "half",
    },
    {
      type: "query",
      title: "Bytes sent per hour",
      query: `VMConnection
${scope}
| summarize BytesSent = sum(BytesSent) by bin(TimeGenerated, 1h), Computer
| render timechart with (ytitle="bytes")`,
      visualization: "auto",
      width: "full",
    },
    {
      type: "query",
      title: "Failed connections per hour",
      query: `VMConnection
${scope}
| where LinksFailed > 0
| summarize Failed = sum(LinksFailed) by bin(TimeGenerated, 1h), Computer
| render timechart`,
      visualization: "auto",
      width: "full",
    },
    {
      type: "query",
      title: "Open ports by machine",
      query: `VMBoundPort
${scope}
| where Ip != "127.0.0.1"
| summarize by Computer, Machine, Port, Protocol
| summarize OpenPorts = count() by Computer
| order by OpenPorts desc
| render columnchart`,
      visualization: "auto",
      width: "half",
    },
    {
      type: "query",
      title: "Open ports by process",
      query: `VMBoundPort
${scope}
| where Ip != "127.0.0.1"
| summarize by ProcessName, Port, Protocol
| summarize OpenPorts = count() by ProcessName
| order by OpenPorts desc
| render columnchart`,
      visualization: "auto",
      width: "half",
    },
    {
      type: "query",
      title: "Process catalogue",
      query: `VMProcess
${scope}
| distinct DisplayName, ProductVersion, Description, Group, CompanyName, InternalName, CommandLine, UserName, UserDomain
| order by DisplayName asc`,
      visualization: "table",
      width: "full",
    },
    {
      type: "query",
      title: "Machine inventory",
      query: `VMComputer
${scope}
| summarize arg_max(TimeGenerated, *) by _ResourceId
| project Computer, OperatingSystemFullName, Cpus, PhysicalMemoryMB, Ipv4Addresses, DnsNames, VirtualizationState, BootTime
| order by Computer asc`,
      visualization: "table",
      width: "full",
    },
  ],
};
