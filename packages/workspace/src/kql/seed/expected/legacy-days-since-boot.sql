-- A datetime difference is a timespan, counted here in Kusto's 100-ns ticks.
-- @types: DaysSinceBoot=timespan
-- @order: BootTime_t
SELECT DISTINCT Computer, (epoch_us({{now}}) - epoch_us(BootTime_t)) * 10 AS DaysSinceBoot, BootTime_t
FROM ServiceMapComputer_CL
ORDER BY BootTime_t ASC NULLS FIRST
