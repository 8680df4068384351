-- autocluster's segments are heuristic: this is its input, against which the segments are checked.
-- @check: autocluster
SELECT Computer, RemoteIp, DestinationPort, CAST(sum(LinksEstablished) AS BIGINT) AS Connections
FROM VMConnection
WHERE Direction = 'outbound'
GROUP BY Computer, RemoteIp, DestinationPort
