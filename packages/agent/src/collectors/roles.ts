// A process's Role, as Service Map classified servers: from the ports it listens on, else from its
// executable's name.

const roleByPort = new Map<number, string>([
  ...[80, 443, 8080, 8443, 8000, 8008, 8888].map((p) => [p, "webServer"] as const),
  ...[1433, 1521, 3306, 5432, 6379, 9042, 11211, 27017, 5984, 7474, 8086, 9200].map(
    (p) => [p, "databaseServer"] as const,
  ),
  ...[389, 636, 3268, 3269].map((p) => [p, "ldapServer"] as const),
  ...[139, 445].map((p) => [p, "smbServer"] as const),
  ...[8009, 9000, 9080, 9443, 5000, 3000].map((p) => [p, "appServer"] as const),
]);

const roleByExecutable: readonly [RegExp, string][] = [
  [/^(nginx|apache2|httpd|lighttpd|caddy|haproxy|envoy|traefik)$/, "webServer"],
  [
    /^(postgres|mysqld|mariadbd|redis-server|mongod|memcached|cassandra|sqlservr|clickhouse-server|influxd)$/,
    "databaseServer",
  ],
  [/^(slapd|ns-slapd)$/, "ldapServer"],
  [/^(smbd|nmbd)$/, "smbServer"],
  [/^(java|node|python[\d.]*|ruby|php-fpm[\d.]*|gunicorn|uwsgi|dotnet|puma|unicorn)$/, "appServer"],
];

/** The role of a process listening on `ports`; "" for a process that listens on nothing or tells nothing. */
export function roleOf(executableName: string, ports: readonly number[]): string {
  if (ports.length === 0) return "";
  const byName = roleByExecutable.find(([pattern]) => pattern.test(executableName))?.[1];
  if (byName !== undefined) return byName;
  for (const port of ports) {
    const role = roleByPort.get(port);
    if (role !== undefined) return role;
  }
  return "";
}
