-- Kusto sorts descending unless told otherwise, with nulls (here: empty strings sort last anyway) last.
-- @order: RemoteCountry
SELECT RemoteCountry, RemoteLatitude, RemoteLongitude, BytesSent, SourceIp, DestinationIp, RemoteDnsQuestions
FROM VMConnection
ORDER BY RemoteCountry DESC NULLS LAST
