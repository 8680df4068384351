WITH hits AS (
  SELECT 'VMComputer' AS "$table", *
  FROM VMComputer
  WHERE regexp_matches(concat_ws(chr(1), *COLUMNS(*)), '(^|[^0-9A-Za-z])10\.229\.243\.232($|[^0-9A-Za-z])', 'i')
)
SELECT _ResourceId, TimeGenerated, * EXCLUDE (_ResourceId, TimeGenerated)
FROM hits
QUALIFY row_number() OVER (PARTITION BY _ResourceId ORDER BY TimeGenerated DESC) = 1
