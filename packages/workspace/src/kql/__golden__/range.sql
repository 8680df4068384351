SELECT "x" AS "x", ("x" * "x") AS "y" FROM (SELECT "generate_series" AS "x" FROM generate_series(1, 10, 3)) AS t0
