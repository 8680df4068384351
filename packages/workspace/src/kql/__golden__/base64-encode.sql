SELECT coalesce(to_base64(encode('Kusto1')), '') AS "a", coalesce(to_base64(encode('hé')), '') AS "b" FROM (SELECT 1 AS __row) AS t0
