-- See legacy-search-resource-name; dynamic columns are searched as their JSON text.
WITH hits AS (
  SELECT 'VMComputer' AS "$table", *
  FROM VMComputer
  WHERE regexp_matches(concat_ws(chr(1), *COLUMNS(*)),
                       '(^|[^0-9A-Za-z])m-4b9c93f9-bc37-46df-b43c-899ba829e07b($|[^0-9A-Za-z])', 'i')
)
SELECT _ResourceId, TimeGenerated, * EXCLUDE (_ResourceId, TimeGenerated)
FROM hits
QUALIFY row_number() OVER (PARTITION BY _ResourceId ORDER BY TimeGenerated DESC) = 1
