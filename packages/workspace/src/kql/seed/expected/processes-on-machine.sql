SELECT _ResourceId, TimeGenerated, * EXCLUDE (_ResourceId, TimeGenerated)
FROM VMProcess
WHERE Machine = 'm-559dbcd8-3130-454d-8d1d-f624e57961bc'
QUALIFY row_number() OVER (PARTITION BY _ResourceId ORDER BY TimeGenerated DESC) = 1
