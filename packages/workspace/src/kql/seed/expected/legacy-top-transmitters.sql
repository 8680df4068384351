-- @order: count_BytesSent
SELECT coalesce(c.Computer, '') AS Computer,
       coalesce(m.AzureVMSize_s, '') AS AzureVMSize_s,
       count(c.BytesSent) AS count_BytesSent
FROM VMConnection AS c
FULL OUTER JOIN ServiceMapComputer_CL AS m ON c.Computer = m.ComputerName_s
GROUP BY 1, 2
ORDER BY count_BytesSent DESC NULLS LAST
