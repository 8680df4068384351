-- A full outer join pairs every connection row with every inventory row of the same computer, so a
-- process's count is its connection rows times its computer's VMComputer rows. Inventory rows without
-- connections land in the group whose (left) Computer and ProcessName are empty.
-- @order: Computer, count_
SELECT coalesce(c.Computer, '') AS Computer,
       coalesce(c.ProcessName, '') AS ProcessName,
       count(*) AS count_
FROM VMConnection AS c
FULL OUTER JOIN VMComputer AS m ON c.Computer = m.Computer
GROUP BY 1, 2
HAVING count(*) > 100000
ORDER BY Computer ASC, count_ DESC
