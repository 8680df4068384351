SELECT _ResourceId, TimeGenerated, * EXCLUDE (_ResourceId, TimeGenerated)
FROM VMProcess
WHERE contains(CommandLine, 'sql')
QUALIFY row_number() OVER (PARTITION BY _ResourceId ORDER BY TimeGenerated DESC) = 1
