SELECT ResourceId, TimeGenerated, * EXCLUDE (ResourceId, TimeGenerated)
FROM ServiceMapProcess_CL
WHERE MachineResourceName_s = 'm-559dbcd8-3130-454d-8d1d-f624e57961bc'
QUALIFY row_number() OVER (PARTITION BY ResourceId ORDER BY TimeGenerated DESC) = 1
