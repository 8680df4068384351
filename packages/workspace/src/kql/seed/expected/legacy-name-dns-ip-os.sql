SELECT ComputerName_s, OperatingSystemFullName_s, DnsNames_s, Ipv4Addresses_s
FROM ServiceMapComputer_CL
QUALIFY row_number() OVER (PARTITION BY ResourceId ORDER BY TimeGenerated DESC) = 1
