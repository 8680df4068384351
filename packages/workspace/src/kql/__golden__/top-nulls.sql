SELECT "ConnectionId" AS "ConnectionId", "ResponseTimeMax" AS "ResponseTimeMax" FROM (SELECT * FROM "VMConnection" ORDER BY "ResponseTimeMax" ASC NULLS FIRST LIMIT 1) AS t0
