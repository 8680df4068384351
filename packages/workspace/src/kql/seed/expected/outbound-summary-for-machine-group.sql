-- The query step by step. makeset flattens each machine's address arrays into one set and mvexpand
-- gives one row per address: together, the distinct (machine, address) pairs. summarize by is DISTINCT.
-- A leftouter join keeps every match and fills the unmatched right side with empty strings; the right
-- side's Process and ProcessName become Process1 and ProcessName1. Remote is a set: its order is free.
-- @sets: Remote
WITH machines (m) AS (VALUES ('m-82412a7a-6a32-45a9-a8d6-538354224a25')),
ips AS (
  SELECT DISTINCT AzureResourceName AS MonitoredMachine, ip AS ips
  FROM VMComputer, unnest(from_json(Ipv4Addresses, '["VARCHAR"]')) AS t(ip)
),
"out" AS (
  SELECT *
  FROM VMConnection
  WHERE Machine IN (SELECT m FROM machines)
  QUALIFY row_number() OVER (PARTITION BY ConnectionId ORDER BY TimeGenerated DESC) = 1
),
"local" AS (
  SELECT ConnectionId, Direction, Machine, Process, ProcessName, SourceIp, DestinationIp, DestinationPort,
         Protocol, RemoteIp, Machine AS RemoteMachine
  FROM "out"
  WHERE starts_with(lower(RemoteIp), '127.')
),
remote AS (
  SELECT DISTINCT o.ConnectionId, o.Direction, o.Machine, o.Process, o.ProcessName, o.SourceIp, o.DestinationIp,
         o.DestinationPort, o.Protocol, o.RemoteIp, coalesce(i.MonitoredMachine, '') AS RemoteMachine
  FROM "out" AS o
  LEFT JOIN ips AS i ON o.RemoteIp = i.ips
  WHERE NOT starts_with(lower(o.RemoteIp), '127.')
),
remote_machines AS (SELECT DISTINCT RemoteMachine FROM remote),
connections AS (
  SELECT DISTINCT *
  FROM (SELECT * FROM "local" UNION ALL SELECT * FROM remote)
  WHERE Direction = 'outbound' OR (Direction = 'inbound' AND RemoteMachine NOT IN (SELECT m FROM machines))
),
keyed AS (
  SELECT *,
         concat_ws(':', RemoteMachine, RemoteIp,
                   CAST(CASE WHEN Direction = 'outbound' THEN DestinationPort ELSE 0 END AS VARCHAR), Protocol) AS JoinKey
  FROM connections
),
ports AS (
  SELECT *, concat_ws(':', Machine, Ip, CAST(Port AS VARCHAR), Protocol) AS JoinKey
  FROM VMBoundPort
  WHERE Machine IN (SELECT RemoteMachine FROM remote_machines)
  QUALIFY row_number() OVER (PARTITION BY PortId ORDER BY TimeGenerated DESC) = 1
)
SELECT k.ConnectionId, k.Direction, k.Machine, k.Process, k.ProcessName, k.SourceIp, k.DestinationIp,
       k.DestinationPort, k.Protocol,
       to_json(list(DISTINCT CASE
         WHEN coalesce(k.RemoteMachine, '') = '' THEN '{}'::JSON
         ELSE json_object('Machine', k.RemoteMachine, 'Process', coalesce(p.Process, ''),
                          'ProcessName', coalesce(p.ProcessName, ''))
       END)) AS Remote
FROM keyed AS k
LEFT JOIN ports AS p ON k.JoinKey = p.JoinKey
GROUP BY ALL
