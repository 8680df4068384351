-- @order: CountAll
SELECT RemoteDnsQuestions, count(*) AS CountAll
FROM VMConnection
WHERE RemoteDnsQuestions <> ''
GROUP BY RemoteDnsQuestions
ORDER BY CountAll DESC
