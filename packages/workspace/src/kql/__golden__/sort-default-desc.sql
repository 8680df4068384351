SELECT * FROM (SELECT "ConnectionId" AS "ConnectionId", "BytesSent" AS "BytesSent" FROM (SELECT * FROM "VMConnection" ORDER BY "BytesSent" DESC NULLS LAST) AS t0) AS t1 LIMIT 3
