-- arg_max(TimeGenerated, *) by ResourceId: the latest record of each machine (the estate has no ties).
SELECT ComputerName_s, VirtualMachineType_s, VirtualizationState_s, OperatingSystemFullName_s, DnsNames_s,
       Ipv4Addresses_s, CpuSpeed_d, Cpus_d, PhysicalMemory_d
FROM ServiceMapComputer_CL
QUALIFY row_number() OVER (PARTITION BY ResourceId ORDER BY TimeGenerated DESC) = 1
