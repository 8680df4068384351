SELECT "ConnectionId" AS "ConnectionId", "ResponseTimeMax" AS "ResponseTimeMax" FROM (SELECT * FROM (SELECT * FROM "VMConnection" ORDER BY "ResponseTimeMax" ASC NULLS FIRST) AS t0 LIMIT 1) AS t1
