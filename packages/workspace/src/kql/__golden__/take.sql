SELECT "ConnectionId" AS "ConnectionId", "TimeGenerated" AS "TimeGenerated" FROM (SELECT * FROM "VMConnection" ORDER BY "ConnectionId" ASC NULLS FIRST, "TimeGenerated" ASC NULLS FIRST LIMIT 2) AS t0
