SELECT DISTINCT ComputerName_s
FROM ServiceMapComputer_CL
WHERE contains(OperatingSystemFullName_s, 'CentOS')
