-- dcount is an estimate in Kusto; the columns are compared within its error bound.
-- @render: timechart
-- @approx: dcount_LinksEstablished, dcount_LinksLive, dcount_LinksFailed, dcount_LinksTerminated
SELECT date_trunc('hour', TimeGenerated) AS TimeGenerated,
       count(DISTINCT LinksEstablished) AS dcount_LinksEstablished,
       count(DISTINCT LinksLive) AS dcount_LinksLive,
       count(DISTINCT LinksFailed) AS dcount_LinksFailed,
       count(DISTINCT LinksTerminated) AS dcount_LinksTerminated
FROM VMConnection
WHERE TimeGenerated >= {{now}} - INTERVAL 24 HOUR
  AND Computer = 'acme-demo'
GROUP BY 1
