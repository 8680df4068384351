SELECT PhysicalMemory_d, ComputerName_s
FROM ServiceMapComputer_CL
QUALIFY row_number() OVER (PARTITION BY ResourceId ORDER BY TimeGenerated DESC) = 1
