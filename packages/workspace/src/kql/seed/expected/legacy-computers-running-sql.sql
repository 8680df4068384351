-- search "*sql*" is a case-insensitive substring match in any column of the process view.
SELECT DISTINCT ComputerName_s
FROM ServiceMapComputer_CL
WHERE ResourceName_s IN (
  SELECT DISTINCT MachineResourceName_s
  FROM ServiceMapProcess_CL
  WHERE contains(lower(concat_ws(chr(1), *COLUMNS(*))), 'sql')
)
