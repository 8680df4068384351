-- search "term" matches rows where any column holds the term as whole words (bounded by characters
-- other than ASCII letters and digits, or the ends), ignoring case. search puts $table first; arg_max
-- then lists the by column, TimeGenerated and the rest in that order.
WITH hits AS (
  SELECT 'ServiceMapComputer_CL' AS "$table", *
  FROM ServiceMapComputer_CL
  WHERE regexp_matches(concat_ws(chr(1), *COLUMNS(*)),
                       '(^|[^0-9A-Za-z])m-4b9c93f9-bc37-46df-b43c-899ba829e07b($|[^0-9A-Za-z])', 'i')
)
SELECT ResourceId, TimeGenerated, * EXCLUDE (ResourceId, TimeGenerated)
FROM hits
QUALIFY row_number() OVER (PARTITION BY ResourceId ORDER BY TimeGenerated DESC) = 1
