-- contains_cs is a case-sensitive substring test; the filter comes before arg_max.
SELECT ResourceId, TimeGenerated, * EXCLUDE (ResourceId, TimeGenerated)
FROM ServiceMapProcess_CL
WHERE contains(CommandLine_s, 'sql')
QUALIFY row_number() OVER (PARTITION BY ResourceId ORDER BY TimeGenerated DESC) = 1
