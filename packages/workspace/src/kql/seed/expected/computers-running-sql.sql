SELECT DISTINCT Computer
FROM VMComputer
WHERE AzureResourceName IN (
  SELECT DISTINCT Machine
  FROM VMProcess
  WHERE contains(lower(concat_ws(chr(1), *COLUMNS(*))), 'sql')
)
