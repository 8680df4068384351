SELECT _ResourceId, TimeGenerated, * EXCLUDE (_ResourceId, TimeGenerated)
FROM VMComputer
QUALIFY row_number() OVER (PARTITION BY _ResourceId ORDER BY TimeGenerated DESC) = 1
