-- arg_max(TimeGenerated, *) by ResourceId: the by column, then TimeGenerated, then every other column of
-- the view in its own order, all from the latest row.
SELECT ResourceId, TimeGenerated, * EXCLUDE (ResourceId, TimeGenerated)
FROM ServiceMapComputer_CL
QUALIFY row_number() OVER (PARTITION BY ResourceId ORDER BY TimeGenerated DESC) = 1
