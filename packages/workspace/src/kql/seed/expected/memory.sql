SELECT PhysicalMemoryMB, Computer
FROM VMComputer
QUALIFY row_number() OVER (PARTITION BY _ResourceId ORDER BY TimeGenerated DESC) = 1
