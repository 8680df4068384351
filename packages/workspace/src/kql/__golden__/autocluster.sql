SELECT "g0" AS "Computer", "g1" AS "Direction", "g2" AS "DestinationPort", "a0" AS "Records" FROM (SELECT "Computer" AS "g0", "Direction" AS "g1", "DestinationPort" AS "g2", CAST(count(*) AS BIGINT) AS "a0" FROM "VMConnection" GROUP BY "Computer", "Direction", "DestinationPort") AS t0;
SELECT * FROM (evaluate autocluster() output)
