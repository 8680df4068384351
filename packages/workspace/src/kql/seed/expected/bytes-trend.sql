-- bin(TimeGenerated, 1hr) keeps the column's name; sum(X) is named sum_X.
-- @order: Computer
-- @render: timechart
SELECT date_trunc('hour', TimeGenerated) AS TimeGenerated, Computer,
       CAST(sum(BytesSent) AS BIGINT) AS sum_BytesSent,
       CAST(sum(BytesReceived) AS BIGINT) AS sum_BytesReceived
FROM VMConnection
GROUP BY 1, 2
ORDER BY Computer DESC NULLS LAST
