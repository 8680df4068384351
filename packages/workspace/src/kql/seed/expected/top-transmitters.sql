-- count(X) counts the rows where X is not null: inventory rows without a connection count 0.
-- AzureVMSize is the older name of VMComputer's AzureSize.
-- @order: count_BytesSent
SELECT coalesce(c.Computer, '') AS Computer,
       coalesce(m.AzureSize, '') AS AzureVMSize,
       count(c.BytesSent) AS count_BytesSent
FROM VMConnection AS c
FULL OUTER JOIN VMComputer AS m ON c.Computer = m.Computer
GROUP BY 1, 2
ORDER BY count_BytesSent DESC NULLS LAST
