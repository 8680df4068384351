// The legacy Service Map tables, as views over VMComputer / VMProcess with the custom-log suffix names
// (_s string, _d real, _t datetime, _g GUID kept as string). The documented columns come first, in the order
// of the Service Map article; then the undocumented ones that the VM insights UX and the seeds' queries read.

import type { KustoType, ViewColumnSchema, ViewSchema } from "./schema-types.js";

function from(name: string, type: KustoType, column: string): ViewColumnSchema {
  return { name, type, source: { column } };
}

function constant(name: string, value: string): ViewColumnSchema {
  return { name, type: "string", source: { constant: value } };
}

export const serviceMapComputer: ViewSchema = {
  name: "ServiceMapComputer_CL",
  base: "VMComputer",
  columns: [
    from("TenantId", "string", "TenantId"),
    from("TimeGenerated", "datetime", "TimeGenerated"),
    from("Computer", "string", "Computer"),
    constant("Type", "ServiceMapComputer_CL"),
    from("SourceSystem", "string", "SourceSystem"),
    from("ResourceId", "string", "_ResourceId"),
    from("ResourceName_s", "string", "Machine"),
    from("ComputerName_s", "string", "Computer"),
    from("Ipv4Addresses_s", "string", "Ipv4Addresses"),
    from("Ipv6Addresses_s", "string", "Ipv6Addresses"),
    from("DnsNames_s", "string", "DnsNames"),
    from("OperatingSystemFamily_s", "string", "OperatingSystemFamily"),
    from("OperatingSystemFullName_s", "string", "OperatingSystemFullName"),
    from("PhysicalMemory_d", "real", "PhysicalMemoryMB"),
    from("Cpus_d", "real", "Cpus"),
    from("CpuSpeed_d", "real", "CpuSpeed"),
    from("VirtualizationState_s", "string", "VirtualizationState"),
    from("VirtualMachineType_s", "string", "VirtualMachineType"),
    from("VirtualMachineNativeMachineId_g", "string", "VirtualMachineNativeId"),
    from("VirtualMachineName_s", "string", "VirtualMachineNativeName"),
    from("BootTime_t", "datetime", "BootTime"),
    from("DisplayName_s", "string", "DisplayName"),
    from("FullDisplayName_s", "string", "FullDisplayName"),
    from("HostName_s", "string", "HostName"),
    from("MacAddresses_s", "string", "MacAddresses"),
    from("TimeZone_s", "string", "TimeZone"),
    from("DependencyAgentVersion_s", "string", "DependencyAgentVersion"),
    from("HostingProvider_s", "string", "HostingProvider"),
    from("HypervisorType_s", "string", "HypervisorType"),
    from("HypervisorId_s", "string", "HypervisorId"),
    from("AzureSubscriptionId_g", "string", "AzureSubscriptionId"),
    from("AzureResourceGroup_s", "string", "AzureResourceGroup"),
    from("AzureName_s", "string", "AzureResourceName"),
    from("AzureVmId_g", "string", "AzureVmId"),
    from("AzureLocation_s", "string", "AzureLocation"),
    from("AzureVMSize_s", "string", "AzureSize"),
    from("AzureImagePublisher_s", "string", "AzureImagePublisher"),
    from("AzureImageOffering_s", "string", "AzureImageOffering"),
    from("AzureImageSku_s", "string", "AzureImageSku"),
    from("AzureImageVersion_s", "string", "AzureImageVersion"),
    from("AzureUpdateDomain_s", "string", "AzureUpdateDomain"),
    from("AzureFaultDomain_s", "string", "AzureFaultDomain"),
    from("AzureCloudServiceName_s", "string", "AzureCloudServiceName"),
    from("AzureCloudServiceInstanceId_s", "string", "AzureCloudServiceInstanceId"),
    from("AzureCloudServiceRoleName_s", "string", "AzureCloudServiceRoleName"),
    from("AzureCloudServiceDeployment_g", "string", "AzureCloudServiceDeployment"),
    from("AzureVmScaleSetName_s", "string", "AzureVmScaleSetName"),
    from("AzureVmScaleSetInstanceId_s", "string", "AzureVmScaleSetInstanceId"),
    from("AzureVmScaleSetDeployment_g", "string", "AzureVmScaleSetDeployment"),
    from("_ResourceId", "string", "_ResourceId"),
  ],
};

export const serviceMapProcess: ViewSchema = {
  name: "ServiceMapProcess_CL",
  base: "VMProcess",
  columns: [
    from("TenantId", "string", "TenantId"),
    from("TimeGenerated", "datetime", "TimeGenerated"),
    from("Computer", "string", "Computer"),
    constant("Type", "ServiceMapProcess_CL"),
    from("SourceSystem", "string", "SourceSystem"),
    from("ResourceId", "string", "_ResourceId"),
    from("ResourceName_s", "string", "Process"),
    from("MachineResourceName_s", "string", "Machine"),
    from("ExecutableName_s", "string", "ExecutableName"),
    from("StartTime_t", "datetime", "StartTime"),
    from("FirstPid_d", "real", "FirstPid"),
    from("Description_s", "string", "Description"),
    from("CompanyName_s", "string", "CompanyName"),
    from("InternalName_s", "string", "InternalName"),
    from("ProductName_s", "string", "ProductName"),
    from("ProductVersion_s", "string", "ProductVersion"),
    from("FileVersion_s", "string", "FileVersion"),
    from("CommandLine_s", "string", "CommandLine"),
    from("ExecutablePath_s", "string", "ExecutablePath"),
    from("WorkingDirectory_s", "string", "WorkingDirectory"),
    from("UserName", "string", "UserName"),
    from("UserDomain", "string", "UserDomain"),
    from("DisplayName_s", "string", "DisplayName"),
    from("Group_s", "string", "Group"),
    from("Role_s", "string", "Role"),
    from("Services_s", "string", "Services"),
    from("_ResourceId", "string", "_ResourceId"),
  ],
};

export const legacyViews: readonly ViewSchema[] = [serviceMapComputer, serviceMapProcess];
