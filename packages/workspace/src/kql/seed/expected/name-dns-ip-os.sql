SELECT Computer, OperatingSystemFullName, DnsNames, Ipv4Addresses
FROM VMComputer
QUALIFY row_number() OVER (PARTITION BY _ResourceId ORDER BY TimeGenerated DESC) = 1
