SELECT DISTINCT ProductVersion_s
FROM ServiceMapProcess_CL
WHERE ExecutableName_s = 'curl'
