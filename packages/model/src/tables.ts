// The public tables: exactly the columns and Kusto types of the Azure Monitor reference, in documented
// order, descriptions verbatim (typos included). TenantId, a standard column the reference pages leave out,
// is added to every table below.

import type { TableSchema } from "./schema-types.js";

const vmComputer: TableSchema = {
  name: "VMComputer",
  columns: [
    {
      name: "AgentId",
      type: "string",
      description: "Unique ID for the microsoft monitoring agent installed on the server.",
    },
    {
      name: "AzureCloudServiceDeployment",
      type: "string",
      description: "For cloud services the deployment id of the server.",
    },
    {
      name: "AzureCloudServiceInstanceId",
      type: "string",
      description: "For cloud services the instance name of the server.",
    },
    {
      name: "AzureCloudServiceName",
      type: "string",
      description: "For cloud services the service name of the server.",
    },
    {
      name: "AzureCloudServiceRoleName",
      type: "string",
      description: "For cloud services the role name of the server.",
    },
    {
      name: "AzureCloudServiceRoleType",
      type: "string",
      description: "For cloud services the role type of the server.",
    },
    {
      name: "AzureFaultDomain",
      type: "string",
      description: "The fault domain for the server. Only available for Azure VMs and VMSS instances.",
    },
    {
      name: "AzureImageOffering",
      type: "string",
      description:
        "The description of the image used on the server. Only available for Azure VMs and VMSS instances.",
    },
    {
      name: "AzureImagePublisher",
      type: "string",
      description:
        "The publisher of the VM image used on the server. Only available for Azure VMs and VMSS instances.",
    },
    {
      name: "AzureImageSku",
      type: "string",
      description:
        "The sku for the VM image used on the server. Only available for Azure VMs and VMSS instances.",
    },
    {
      name: "AzureImageVersion",
      type: "string",
      description: "The image version used on the server. Only available for Azure VMs and VMSS instances.",
    },
    {
      name: "AzureLocation",
      type: "string",
      description: "The location of the server. Only available for Azure VMs and VMSS instances.",
    },
    {
      name: "AzureResourceGroup",
      type: "string",
      description: "The resource group for the server. Only available for Azure VMs and VMSS instances.",
    },
    { name: "AzureResourceName", type: "string", description: "The Azure name for the resource." },
    {
      name: "AzureServiceFabricClusterId",
      type: "string",
      description: "For service fabric clusters the cluster id of the server.",
    },
    {
      name: "AzureServiceFabricClusterName",
      type: "string",
      description: "For service fabric clusters the cluster name.",
    },
    {
      name: "AzureSize",
      type: "string",
      description: "The size of the Azure VM. Only available for Azure VMs and VMSS instances.",
    },
    {
      name: "AzureSubscriptionId",
      type: "string",
      description: "The subscription ID of the server. Only available for Azure VMs and VMSS instances.",
    },
    {
      name: "AzureUpdateDomain",
      type: "string",
      description: "The update domain of the server. Only available for Azure VMs and VMSS instances.",
    },
    {
      name: "AzureVmId",
      type: "string",
      description: "The Azure ID of the server. Only available for Azure VMs and VMSS instances.",
    },
    {
      name: "AzureVmScaleSetDeployment",
      type: "string",
      description: "For scale sets the deployment id of the server.",
    },
    {
      name: "AzureVmScaleSetInstanceId",
      type: "string",
      description: "For scale sets the instance id of the server.",
    },
    { name: "AzureVmScaleSetName", type: "string", description: "For scale sets the name of the scale set." },
    {
      name: "AzureVmScaleSetResourceId",
      type: "string",
      description: "For scale sets the resource id of the scale set.",
    },
    { name: "_BilledSize", type: "real", description: "The record size in bytes" },
    { name: "BootTime", type: "datetime", description: "The boot time in UTC" },
    { name: "Computer", type: "string", description: "The name of the computer." },
    { name: "Cpus", type: "int", description: "The number of CPUs" },
    { name: "CpuSpeed", type: "int", description: "The CPU speed in MHz" },
    {
      name: "DependencyAgentVersion",
      type: "string",
      description: "The version number of the dependency agent on the server.",
    },
    { name: "DisplayName", type: "string", description: "The display name of the server." },
    { name: "DnsNames", type: "dynamic", description: "An array of DNS names" },
    { name: "FullDisplayName", type: "string", description: "The full display name of the server." },
    { name: "HostingProvider", type: "string", description: "The hosting provider for the server" },
    { name: "HostName", type: "string", description: "The host name of the server without domain." },
    { name: "HypervisorId", type: "string", description: "The hypervisor id of the server." },
    { name: "HypervisorType", type: "string", description: "The hypervisor type of the server." },
    { name: "Ipv4Addresses", type: "dynamic", description: "A list of the server's IPv4 addresses" },
    {
      name: "Ipv4DefaultGateways",
      type: "dynamic",
      description: "A list of the server's IPv4 default gateways.",
    },
    { name: "Ipv4SubnetMasks", type: "dynamic", description: "A list of the server's IPv4 subnet masks." },
    { name: "Ipv6Addresses", type: "dynamic", description: "A list of the server's IPv6 addresses" },
    {
      name: "_IsBillable",
      type: "string",
      description:
        "Specifies whether ingesting the data is billable. When _IsBillable is false ingestion isn't billed to your Azure account",
    },
    { name: "MacAddresses", type: "dynamic", description: "A list of the server's MAC addresses" },
    { name: "Machine", type: "string", description: "AgentId with m- prepended." },
    { name: "OperatingSystemFamily", type: "string", description: "Value will be windows or linux" },
    { name: "OperatingSystemFullName", type: "string", description: "The full name of the operating system" },
    { name: "PhysicalMemoryMB", type: "long", description: "The physical memory in MB" },
    {
      name: "_ResourceId",
      type: "string",
      description: "A unique identifier for the resource that the record is associated with",
    },
    {
      name: "SourceSystem",
      type: "string",
      description:
        "The type of agent the event was collected by. For example, OpsManager for Windows agent, either direct connect or Operations Manager, Linux for all Linux agents, or Azure for Azure Diagnostics",
    },
    {
      name: "_SubscriptionId",
      type: "string",
      description: "A unique identifier for the subscription that the record is associated with",
    },
    { name: "TimeGenerated", type: "datetime", description: "Date and time the record was created." },
    { name: "TimeZone", type: "string", description: "The UTC timezone offset of the server." },
    { name: "Type", type: "string", description: "The name of the table" },
    {
      name: "VirtualizationState",
      type: "string",
      description: "Values will be Unknown Physical Virtual or Hypervisor",
    },
    { name: "VirtualMachineHypervisorId", type: "string", description: "The hypervisor id of the server." },
    { name: "VirtualMachineNativeId", type: "string", description: "The native id of the server." },
    { name: "VirtualMachineNativeName", type: "string", description: "The name of the VM" },
    { name: "VirtualMachineType", type: "string", description: "hyperv vmware xen and so on" },
  ],
};

const vmProcess: TableSchema = {
  name: "VMProcess",
  columns: [
    {
      name: "AgentId",
      type: "string",
      description: "Unique ID for the dependency agent installed on the server.",
    },
    { name: "_BilledSize", type: "real", description: "The record size in bytes" },
    { name: "CommandLine", type: "string", description: "The command line" },
    { name: "CompanyName", type: "string", description: "The name of the company" },
    { name: "Computer", type: "string", description: "The name of the computer." },
    { name: "Description", type: "string", description: "The process description" },
    { name: "DisplayName", type: "string", description: "The friendly display name of the process" },
    { name: "ExecutableName", type: "string", description: "The name of the process executable" },
    { name: "ExecutablePath", type: "string", description: "The path to the executable file" },
    { name: "FileVersion", type: "string", description: "The file version" },
    { name: "FirstPid", type: "int", description: "The first PID in the process pool" },
    { name: "Group", type: "string", description: "The process group name for the process" },
    { name: "InternalName", type: "string", description: "The internal name" },
    {
      name: "_IsBillable",
      type: "string",
      description:
        "Specifies whether ingesting the data is billable. When _IsBillable is false ingestion isn't billed to your Azure account",
    },
    { name: "Machine", type: "string", description: "The machine name of the server." },
    { name: "Process", type: "string", description: "The name of the process." },
    { name: "ProductName", type: "string", description: "The name of the product" },
    { name: "ProductVersion", type: "string", description: "The product version" },
    {
      name: "_ResourceId",
      type: "string",
      description: "A unique identifier for the resource that the record is associated with",
    },
    { name: "Role", type: "string", description: "The role of the process." },
    { name: "Services", type: "dynamic", description: "A list of services associated with the process." },
    {
      name: "SourceSystem",
      type: "string",
      description:
        "The type of agent the event was collected by. For example, OpsManager for Windows agent, either direct connect or Operations Manager, Linux for all Linux agents, or Azure for Azure Diagnostics",
    },
    { name: "StartTime", type: "datetime", description: "The process pool start time" },
    {
      name: "_SubscriptionId",
      type: "string",
      description: "A unique identifier for the subscription that the record is associated with",
    },
    { name: "TimeGenerated", type: "datetime", description: "Date and time the record was created." },
    { name: "Type", type: "string", description: "The name of the table" },
    { name: "UserDomain", type: "string", description: "The domain under which the process is executing" },
    { name: "UserName", type: "string", description: "The account under which the process is executing" },
    { name: "WorkingDirectory", type: "string", description: "The working directory" },
  ],
};

const vmConnection: TableSchema = {
  name: "VMConnection",
  columns: [
    {
      name: "AgentId",
      type: "string",
      description: "Unique agent GUID for the agent reporting data on the server.",
    },
    { name: "_BilledSize", type: "real", description: "The record size in bytes" },
    {
      name: "BytesReceived",
      type: "long",
      description: "Total number of bytes that have been received during the reporting time window.",
    },
    {
      name: "BytesSent",
      type: "long",
      description: "Total number of bytes that have been sent during the reporting time window.",
    },
    {
      name: "Computer",
      type: "string",
      description: "Name of the server from the ServiceMapComputer_CL table.",
    },
    { name: "Confidence", type: "string", description: "Values are 0 - 100." },
    { name: "ConnectionId", type: "string", description: "Unique Id for the connection record." },
    { name: "Description", type: "string", description: "Description of the observed threat." },
    { name: "DestinationIp", type: "string", description: "IP address of the destination." },
    { name: "DestinationPort", type: "int", description: "Port number of the destination." },
    {
      name: "Direction",
      type: "string",
      description: "Direction of the connection value is inbound or outbound",
    },
    {
      name: "FirstReportedDateTime",
      type: "string",
      description: "The first time the provider reported the indicator.",
    },
    {
      name: "IndicatorThreatType",
      type: "string",
      description:
        "Threat indicator detected. Possible values are Botnet C2 CryptoMining Darknet DDos MaliciousUrl Malware Phishing Proxy PUA Watchlist.",
    },
    { name: "IsActive", type: "string", description: "The last time the indicator was seen by Interflow." },
    {
      name: "_IsBillable",
      type: "string",
      description:
        "Specifies whether ingesting the data is billable. When _IsBillable is false ingestion isn't billed to your Azure account",
    },
    {
      name: "LastReportedDateTime",
      type: "string",
      description: "Indicates indicators are deactivated with True or False value.",
    },
    {
      name: "LinksEstablished",
      type: "long",
      description:
        "Number of physical network connections that have been established during the reporting time window.",
    },
    {
      name: "LinksFailed",
      type: "long",
      description:
        "Number of physical network connections that have failed during the reporting time window. This information is currently available only for outbound connections.",
    },
    {
      name: "LinksLive",
      type: "long",
      description:
        "Number of physical network connections that were open at the end of the reporting time window.",
    },
    {
      name: "LinksTerminated",
      type: "long",
      description:
        "Number of physical network connections that have been terminated during the reporting time window.",
    },
    { name: "Machine", type: "string", description: "FQDN of the computer." },
    { name: "MaliciousIp", type: "string", description: "Remote IP address." },
    {
      name: "Process",
      type: "string",
      description: "Identity of process or groups of processes initiating or accepting the connection.",
    },
    {
      name: "ProcessName",
      type: "string",
      description: "Unique identifier for the process in the ServiceMapProcess_CL table.",
    },
    {
      name: "Protocol",
      type: "string",
      description: "Protocol used for the connection. Only possible value is tcp.",
    },
    {
      name: "RemoteClassification",
      type: "string",
      description:
        "A classification of the remote endpoint based on its ip and dns names and the corresponding Azure service.",
    },
    { name: "RemoteCountry", type: "string", description: "Name of the country or region hosting RemoteIp." },
    {
      name: "RemoteDnsCanonicalNames",
      type: "string",
      description:
        "A JSON array of canonical names that came back from the DNS server. For example when using traffic manager you issue a question to foo.trafficmanage.net and get a canonical name as something.myservice.com together with an ip address.",
    },
    {
      name: "RemoteDnsQuestions",
      type: "string",
      description:
        "A JSON array of DNS questions (lookups) that were performed on the machine and resolved to the RemoteIp listed in the record.",
    },
    {
      name: "RemoteIp",
      type: "string",
      description:
        "The IP address of the remote end of a connection is included in the RemoteIp property. For inbound connections RemoteIp is the same as SourceIp while for outbound connections it is the same as DestinationIp.",
    },
    { name: "RemoteLatitude", type: "real", description: "Geolocation latitude. An example would be 47.68." },
    {
      name: "RemoteLongitude",
      type: "real",
      description: "Geolocation longitude. An example would be -122.12.",
    },
    {
      name: "_ResourceId",
      type: "string",
      description: "A unique identifier for the resource that the record is associated with",
    },
    {
      name: "Responses",
      type: "long",
      description: "Number of responses observed during the reporting time window.",
    },
    {
      name: "ResponseTimeMax",
      type: "long",
      description:
        "Largest response time observed during the reporting time window in milliseconds. If no value the property is blank.",
    },
    {
      name: "ResponseTimeMin",
      type: "long",
      description:
        "Smallest response time observed during the reporting time windowin milliseconds. If no value the property is blank.",
    },
    {
      name: "ResponseTimeSum",
      type: "long",
      description:
        "Sum of all response times observed during the reporting time window in milliseconds. If no value the property is blank.",
    },
    {
      name: "Severity",
      type: "int",
      description:
        "Possible values are 0 - 5 where 5 is the most severe and 0 is not severe at all. Default value is 3.",
    },
    { name: "SourceIp", type: "string", description: "IP address of the source." },
    {
      name: "SourceSystem",
      type: "string",
      description:
        "The type of agent the event was collected by. For example, OpsManager for Windows agent, either direct connect or Operations Manager, Linux for all Linux agents, or Azure for Azure Diagnostics",
    },
    {
      name: "_SubscriptionId",
      type: "string",
      description: "A unique identifier for the subscription that the record is associated with",
    },
    { name: "TimeGenerated", type: "datetime", description: "Date and time the record was created." },
    {
      name: "TLPLevel",
      type: "string",
      description: "Traffic Light Protocol (TLP) Level. Possible values are White Green Amber Red.",
    },
    { name: "Type", type: "string", description: "The name of the table" },
  ],
};

const vmBoundPort: TableSchema = {
  name: "VMBoundPort",
  columns: [
    {
      name: "AgentId",
      type: "string",
      description: "Unique agent GUID for the agent reporting data on the server.",
    },
    { name: "_BilledSize", type: "real", description: "The record size in bytes" },
    { name: "BytesReceived", type: "long", description: "Bytes received on the port" },
    { name: "BytesSent", type: "long", description: "Bytes sent on the port" },
    { name: "Computer", type: "string", description: "Name of the server" },
    { name: "Ip", type: "string", description: "Port IP address. Can be wildcard IP 0.0.0.0." },
    {
      name: "_IsBillable",
      type: "string",
      description:
        "Specifies whether ingesting the data is billable. When _IsBillable is false ingestion isn't billed to your Azure account",
    },
    {
      name: "IsWildcardBind",
      type: "bool",
      description: "Specifies whether connection made as a wildcard bind request.",
    },
    { name: "LinksEstablished", type: "long", description: "Count of links established on the port." },
    {
      name: "LinksLive",
      type: "long",
      description: "Count of live links at the end of the time period recorded.",
    },
    {
      name: "LinksTerminated",
      type: "long",
      description: "Count of terminated links over the time periof recorded.",
    },
    {
      name: "Machine",
      type: "string",
      description: "Unique identifier to the machine in the ServiceMapComputer_CL table.",
    },
    { name: "Port", type: "int", description: "Port number." },
    { name: "PortId", type: "string", description: "Port ID." },
    {
      name: "Process",
      type: "string",
      description: "Identity of the process or group of processes that the port is associated with.",
    },
    {
      name: "ProcessName",
      type: "string",
      description: "Unique identifier for the process in the ServiceMapProcess_CL table.",
    },
    {
      name: "Protocol",
      type: "string",
      description: "The protocol. Example tcp or udp (only tcp is currently supported).",
    },
    {
      name: "_ResourceId",
      type: "string",
      description: "A unique identifier for the resource that the record is associated with",
    },
    { name: "Responses", type: "long", description: "Count of responses in the time period recorded." },
    {
      name: "ResponseTimeMax",
      type: "long",
      description: "Measurement of the maximum time between first and last byte received.",
    },
    {
      name: "ResponseTimeMin",
      type: "long",
      description: "Measurement of the minimum time between first and last byte received.",
    },
    {
      name: "ResponseTimeSum",
      type: "long",
      description: "Measurement of the total time between first and last byte received",
    },
    {
      name: "SourceSystem",
      type: "string",
      description:
        "The type of agent the event was collected by. For example, OpsManager for Windows agent, either direct connect or Operations Manager, Linux for all Linux agents, or Azure for Azure Diagnostics",
    },
    {
      name: "_SubscriptionId",
      type: "string",
      description: "A unique identifier for the subscription that the record is associated with",
    },
    { name: "TimeGenerated", type: "datetime", description: "Date and time the record was created." },
    { name: "Type", type: "string", description: "The name of the table" },
  ],
};

const insightsMetrics: TableSchema = {
  name: "InsightsMetrics",
  columns: [
    {
      name: "AgentId",
      type: "string",
      description: "Unique ID of the agent that sourced the metric instance",
    },
    { name: "_BilledSize", type: "real", description: "The record size in bytes" },
    {
      name: "Computer",
      type: "string",
      description: "Computer name/Node name that sourced the metric instance",
    },
    {
      name: "_IsBillable",
      type: "string",
      description:
        "Specifies whether ingesting the data is billable. When _IsBillable is false ingestion isn't billed to your Azure account",
    },
    { name: "Name", type: "string", description: "Name of the metric" },
    {
      name: "Namespace",
      type: "string",
      description: "Name space/Category of the metric. Ex;- 'container.azm.ms/disk'",
    },
    { name: "Origin", type: "string", description: "Source of the metric. Ex;- 'container.azm.ms/telegraf'" },
    {
      name: "_ResourceId",
      type: "string",
      description: "A unique identifier for the resource that the record is associated with",
    },
    {
      name: "SourceSystem",
      type: "string",
      description:
        "The type of agent the event was collected by. For example, OpsManager for Windows agent, either direct connect or Operations Manager, Linux for all Linux agents, or Azure for Azure Diagnostics",
    },
    {
      name: "_SubscriptionId",
      type: "string",
      description: "A unique identifier for the subscription that the record is associated with",
    },
    { name: "Tags", type: "string", description: "Dimensions of the metric in json" },
    { name: "TimeGenerated", type: "datetime", description: "Date and time the record was created." },
    { name: "Type", type: "string", description: "The name of the table" },
    { name: "Val", type: "real", description: "Value of the metric" },
    { name: "Value", type: "string", description: "" },
  ],
};

const heartbeat: TableSchema = {
  name: "Heartbeat",
  columns: [
    { name: "_BilledSize", type: "real", description: "The record size in bytes" },
    {
      name: "Category",
      type: "string",
      description: "Value is Direct Agent SCOM Agent or SCOM Management Server.",
    },
    { name: "Computer", type: "string", description: "Computer name" },
    {
      name: "ComputerEnvironment",
      type: "string",
      description: "Environment that hosts the computer: Azure or Non-Azure",
    },
    {
      name: "ComputerIP",
      type: "string",
      description: "IP address of the computer. Note that public IP is used",
    },
    {
      name: "ComputerPrivateIPs",
      type: "dynamic",
      description: "The list of private IP addresses of the computer.",
    },
    {
      name: "_IsBillable",
      type: "string",
      description:
        "Specifies whether ingesting the data is billable. When _IsBillable is false ingestion isn't billed to your Azure account",
    },
    {
      name: "IsGatewayInstalled",
      type: "bool",
      description: "If Log Analytics gateway is installed value is true otherwise value is false.",
    },
    {
      name: "ManagementGroupName",
      type: "string",
      description: "Name of Operations Manager management group.",
    },
    { name: "OSMajorVersion", type: "string", description: "Operating system major version." },
    { name: "OSMinorVersion", type: "string", description: "Operating system minor version." },
    { name: "OSName", type: "string", description: "Name of OS." },
    { name: "OSType", type: "string", description: "Type of OS. Possible values are Windows or Linux." },
    {
      name: "RemoteIPCountry",
      type: "string",
      description: "Geographic location where computer is deployed.",
    },
    { name: "RemoteIPLatitude", type: "real", description: "Latitude of computer's geographic location." },
    { name: "RemoteIPLongitude", type: "real", description: "Longitude of computer's geographic location." },
    {
      name: "Resource",
      type: "string",
      description: "Resource group name of the Azure resource running the agent.",
    },
    {
      name: "ResourceGroup",
      type: "string",
      description: "Resource name of the Azure resource running the agent.",
    },
    {
      name: "ResourceId",
      type: "string",
      description:
        "Resource ID of the Azure resource running the agent. Retained for for backward compatibility. _ResourceId should be used.",
    },
    {
      name: "_ResourceId",
      type: "string",
      description: "A unique identifier for the resource that the record is associated with",
    },
    {
      name: "ResourceProvider",
      type: "string",
      description: "Resource provider of the Azure resource running the agent",
    },
    {
      name: "ResourceType",
      type: "string",
      description:
        "Type of the Azure resource running the agent. Examples include virtualmachines or managedclusters.",
    },
    {
      name: "SCAgentChannel",
      type: "string",
      description:
        "Specfies how agent is connected to workspace. Possible values are Direct or SCManagementServer.",
    },
    {
      name: "Solutions",
      type: "string",
      description: "List of solutions deployed on the agent at the moment when Heartbeat was issued.",
    },
    {
      name: "SourceSystem",
      type: "string",
      description:
        "The type of agent the event was collected by. For example, OpsManager for Windows agent, either direct connect or Operations Manager, Linux for all Linux agents, or Azure for Azure Diagnostics",
    },
    {
      name: "SubscriptionId",
      type: "string",
      description: "Subscription ID of the Azure resource running the agent",
    },
    {
      name: "_SubscriptionId",
      type: "string",
      description: "A unique identifier for the subscription that the record is associated with",
    },
    { name: "TimeGenerated", type: "datetime", description: "Date and time the record was created." },
    { name: "Type", type: "string", description: "The name of the table" },
    { name: "Version", type: "string", description: "Version of the agent." },
    { name: "VMUUID", type: "string", description: "Unique identifier of the virtual machine." },
  ],
};

const usage: TableSchema = {
  name: "Usage",
  columns: [
    { name: "AvgLatencyInSeconds", type: "real", description: "Deprecated" },
    { name: "BatchesCapped", type: "long", description: "Deprecated" },
    { name: "BatchesOutsideSla", type: "long", description: "Deprecated" },
    { name: "BatchesWithinSla", type: "long", description: "Deprecated" },
    { name: "_BilledSize", type: "real", description: "The record size in bytes" },
    { name: "Computer", type: "string", description: "Deprecated" },
    { name: "DataType", type: "string", description: "Table that usage is being reported about." },
    { name: "EndTime", type: "datetime", description: "End time of the one hour aggregation window." },
    {
      name: "IsBillable",
      type: "bool",
      description: "Logical flag to indicate whether we bill for this data record.",
    },
    {
      name: "_IsBillable",
      type: "string",
      description:
        "Specifies whether ingesting the data is billable. When _IsBillable is false ingestion isn't billed to your Azure account",
    },
    { name: "LinkedMeterId", type: "string", description: "Deprecated" },
    { name: "LinkedResourceUri", type: "string", description: "Deprecated" },
    { name: "MeterId", type: "string", description: "GUID of the meter used for billing." },
    { name: "Quantity", type: "real", description: "Size of data in Mbytes." },
    { name: "QuantityUnit", type: "string", description: "Value is alwais Mbytes." },
    {
      name: "ResourceUri",
      type: "string",
      description: "The URI of the workspace. This will be same for all records in this table in workspace.",
    },
    { name: "Solution", type: "string", description: "Solution about which usage is being reported." },
    {
      name: "SourceSystem",
      type: "string",
      description:
        "The type of agent the event was collected by. For example, OpsManager for Windows agent, either direct connect or Operations Manager, Linux for all Linux agents, or Azure for Azure Diagnostics",
    },
    {
      name: "StartTime",
      type: "datetime",
      description: "Start time of the 1 hour aggregation window (same as TimeGenerated).",
    },
    { name: "TimeGenerated", type: "datetime", description: "Date and time the record was created." },
    { name: "TotalBatches", type: "long", description: "Deprecated" },
    { name: "Type", type: "string", description: "The name of the table" },
  ],
};
const tenantId = {
  name: "TenantId",
  type: "string",
  description: "The ID of the workspace the record belongs to.",
} as const;

function withTenantId(table: TableSchema): TableSchema {
  return { name: table.name, columns: [tenantId, ...table.columns] };
}

/** The stored tables, keyed by name. */
export const tables: Readonly<Record<StoredTableName, TableSchema>> = {
  VMComputer: withTenantId(vmComputer),
  VMProcess: withTenantId(vmProcess),
  VMConnection: withTenantId(vmConnection),
  VMBoundPort: withTenantId(vmBoundPort),
  InsightsMetrics: withTenantId(insightsMetrics),
  Heartbeat: withTenantId(heartbeat),
  Usage: withTenantId(usage),
};

export const storedTableNames = [
  "VMComputer",
  "VMProcess",
  "VMConnection",
  "VMBoundPort",
  "InsightsMetrics",
  "Heartbeat",
  "Usage",
] as const;
export type StoredTableName = (typeof storedTableNames)[number];

export function isStoredTableName(name: string): name is StoredTableName {
  return (storedTableNames as readonly string[]).includes(name);
}
