-- @order: OpenPorts
SELECT ProcessName, count(*) AS OpenPorts
FROM (SELECT DISTINCT ProcessName, Port, Protocol FROM VMBoundPort WHERE Ip <> '127.0.0.1')
GROUP BY ProcessName
ORDER BY OpenPorts DESC NULLS LAST
