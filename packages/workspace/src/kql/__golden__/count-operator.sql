SELECT "a0" AS "Count" FROM (SELECT CAST(count(*) AS BIGINT) AS "a0" FROM "VMConnection" WHERE ("Direction" = 'inbound')) AS t0
