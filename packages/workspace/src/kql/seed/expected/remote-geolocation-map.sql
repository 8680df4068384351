-- @render: scatterchart kind=map
SELECT RemoteCountry, RemoteLatitude, RemoteLongitude, BytesSent
FROM VMConnection
WHERE RemoteLatitude > 0
