SELECT Computer, count(*) AS CountAll
FROM VMConnection
WHERE RemoteDnsQuestions = ''
  AND (DestinationIp <> '127.0.0.1' OR SourceIp <> '127.0.0.1')
GROUP BY Computer
