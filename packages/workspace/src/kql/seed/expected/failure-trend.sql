-- datetime_part returns an int.
-- @order: bythehour
-- @render: timechart
SELECT CAST(hour(TimeGenerated) AS INTEGER) AS bythehour, count(*) AS failCount
FROM VMConnection
WHERE Computer = 'acme-demo'
GROUP BY 1
ORDER BY bythehour ASC NULLS FIRST
