-- @order: OpenPorts
SELECT Computer, Machine, count(*) AS OpenPorts
FROM (SELECT DISTINCT Computer, Machine, Port, Protocol FROM VMBoundPort WHERE Ip <> '127.0.0.1')
GROUP BY Computer, Machine
ORDER BY OpenPorts DESC NULLS LAST
