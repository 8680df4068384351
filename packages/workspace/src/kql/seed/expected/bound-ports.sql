SELECT DISTINCT Port, ProcessName
FROM VMBoundPort
WHERE TimeGenerated >= {{now}} - INTERVAL 24 HOUR
  AND Computer = 'admdemo-appsvr'
