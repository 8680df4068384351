-- arg_max(TimeGenerated, LinksLive) adds TimeGenerated and LinksLive after the other aggregates;
-- project-away then drops TimeGenerated. Every sort key is descending (Kusto's default).
-- @order: Machine, Computer, Port, Ip, ProcessName
SELECT p.Machine, p.Computer, p.ProcessName, p.Ip, p.Port, p.IsWildcardBind,
       CAST(sum(p.BytesSent) AS BIGINT) AS BytesSent,
       CAST(sum(p.BytesReceived) AS BIGINT) AS BytesReceived,
       CAST(sum(p.LinksEstablished) AS BIGINT) AS LinksEstablished,
       CAST(sum(p.LinksTerminated) AS BIGINT) AS LinksTerminated,
       arg_max_null(p.LinksLive, p.TimeGenerated) AS LinksLive
FROM VMBoundPort AS p
WHERE p.Ip <> '127.0.0.1'
GROUP BY p.Machine, p.Computer, p.ProcessName, p.Ip, p.Port, p.IsWildcardBind
ORDER BY Machine DESC NULLS LAST, Computer DESC NULLS LAST, Port DESC NULLS LAST, Ip DESC NULLS LAST,
         ProcessName DESC NULLS LAST
