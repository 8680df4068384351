-- @types: DaysSinceBoot=timespan
-- @order: BootTime
SELECT DISTINCT Computer, (epoch_us({{now}}) - epoch_us(BootTime)) * 10 AS DaysSinceBoot, BootTime
FROM VMComputer
ORDER BY BootTime ASC NULLS FIRST
