SELECT DISTINCT ProductVersion
FROM VMProcess
WHERE ExecutableName = 'curl'
