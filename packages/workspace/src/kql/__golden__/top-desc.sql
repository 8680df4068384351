SELECT "ConnectionId" AS "ConnectionId", "BytesReceived" AS "BytesReceived" FROM (SELECT * FROM (SELECT * FROM "VMConnection" ORDER BY "BytesReceived" DESC NULLS LAST) AS t0 LIMIT 2) AS t1
