-- See legacy-search-resource-name: a whole-term, case-insensitive match in any column.
WITH hits AS (
  SELECT 'ServiceMapComputer_CL' AS "$table", *
  FROM ServiceMapComputer_CL
  WHERE regexp_matches(concat_ws(chr(1), *COLUMNS(*)), '(^|[^0-9A-Za-z])10\.229\.243\.232($|[^0-9A-Za-z])', 'i')
)
SELECT ResourceId, TimeGenerated, * EXCLUDE (ResourceId, TimeGenerated)
FROM hits
QUALIFY row_number() OVER (PARTITION BY ResourceId ORDER BY TimeGenerated DESC) = 1
