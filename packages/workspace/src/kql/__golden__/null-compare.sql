SELECT "a0" AS "Count" FROM (SELECT CAST(count(*) AS BIGINT) AS "a0" FROM "VMConnection" WHERE (("ResponseTimeMax" > 5) OR ("ResponseTimeMax" < 5))) AS t0
