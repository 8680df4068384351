SELECT * FROM (SELECT DISTINCT * FROM (SELECT "Computer" AS "Computer", "Direction" AS "Direction" FROM "VMConnection") AS t0) AS t1 ORDER BY "Computer" ASC NULLS FIRST, "Direction" ASC NULLS FIRST
