SELECT "ConnectionId" AS "ConnectionId", "BytesReceived" AS "BytesReceived" FROM (SELECT * FROM "VMConnection" ORDER BY "BytesReceived" DESC NULLS LAST LIMIT 2) AS t0
