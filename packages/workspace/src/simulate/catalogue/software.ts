// The programs that run on the estate's machines, as the agent would inventory them: paths, command lines
// and users as the distribution packages lay them out, and the ports each one listens on.

import type { ProcessIdentity } from "../estate-model.js";
import type { OsRelease, PackageName } from "./operating-systems.js";

export type BindKind = "wildcard" | "loopback" | "host-and-loopback";

export interface PortSpec {
  readonly port: number;
  readonly protocol: "tcp" | "udp";
  readonly bind: BindKind;
}

export interface Software {
  readonly identity: ProcessIdentity;
  readonly version: string;
  /** A later version the process may be upgraded to during the window (same command line, new version). */
  readonly upgradeVersion: string | undefined;
  readonly ports: readonly PortSpec[];
}

export type AppRuntime = "java" | "node" | "dotnet";

export const appServiceNames: readonly string[] = [
  "orders",
  "checkout",
  "inventory",
  "billing",
  "catalog",
  "shipping",
  "search",
  "pricing",
  "notifications",
  "accounts",
  "reporting",
  "payments",
  "recommendations",
  "loyalty",
];

/** The port each application runtime serves on. */
export const appPorts: Readonly<Record<AppRuntime, number>> = { java: 8080, node: 3000, dotnet: 5000 };

function vendorOf(os: OsRelease): string {
  switch (os.key) {
    case "ubuntu-22.04":
    case "ubuntu-20.04":
      return "Canonical Ltd.";
    case "debian-12":
    case "debian-11":
      return "Debian";
    case "centos-7":
      return "CentOS";
    case "windows-2022":
      return "Microsoft Corporation";
    default:
      return "Red Hat, Inc.";
  }
}

interface IdentityParts {
  readonly executableName: string;
  readonly executablePath: string;
  readonly commandLine: string;
  readonly displayName?: string;
  readonly group?: string;
  readonly description: string;
  readonly companyName: string;
  readonly productName: string;
  readonly role?: string;
  readonly services?: readonly string[];
  readonly userName: string;
  readonly userDomain?: string;
  readonly workingDirectory?: string;
}

function identity(parts: IdentityParts): ProcessIdentity {
  return {
    executableName: parts.executableName,
    executablePath: parts.executablePath,
    commandLine: parts.commandLine,
    displayName: parts.displayName ?? parts.executableName,
    group: parts.group ?? parts.executableName,
    description: parts.description,
    companyName: parts.companyName,
    productName: parts.productName,
    internalName: parts.executableName,
    role: parts.role ?? "",
    services: parts.services ?? [],
    userName: parts.userName,
    userDomain: parts.userDomain ?? "",
    workingDirectory: parts.workingDirectory ?? "/",
  };
}

function distroPackage(
  os: OsRelease,
  name: PackageName,
  parts: IdentityParts,
  ports: readonly PortSpec[],
): Software {
  return {
    identity: identity({ ...parts, companyName: vendorOf(os) }),
    version: os.packages[name],
    upgradeVersion: undefined,
    ports,
  };
}

const wildcard = (port: number, protocol: "tcp" | "udp" = "tcp"): PortSpec => ({
  port,
  protocol,
  bind: "wildcard",
});
const loopback = (port: number, protocol: "tcp" | "udp" = "tcp"): PortSpec => ({
  port,
  protocol,
  bind: "loopback",
});

export function webServer(os: OsRelease): Software {
  if (os.flavour === "redhat") {
    return distroPackage(
      os,
      "httpd",
      {
        executableName: "httpd",
        executablePath: "/usr/sbin/httpd",
        commandLine: "/usr/sbin/httpd -DFOREGROUND",
        description: "Apache HTTP Server",
        companyName: "",
        productName: "Apache HTTP Server",
        role: "webserver",
        services: ["httpd.service"],
        userName: "apache",
        workingDirectory: "/etc/httpd",
      },
      [wildcard(80), wildcard(443)],
    );
  }
  return distroPackage(
    os,
    "nginx",
    {
      executableName: "nginx",
      executablePath: "/usr/sbin/nginx",
      commandLine: "nginx: master process /usr/sbin/nginx -g daemon on; master_process on;",
      description: "nginx HTTP and reverse proxy server",
      companyName: "",
      productName: "nginx",
      role: "webserver",
      services: ["nginx.service"],
      userName: "www-data",
    },
    [wildcard(80), wildcard(443)],
  );
}

export function phpFpm(os: OsRelease): Software {
  const version = os.packages["php-fpm"];
  const minor = version.split(".").slice(0, 2).join(".");
  const debian = os.flavour === "debian";
  return distroPackage(
    os,
    "php-fpm",
    {
      executableName: debian ? `php-fpm${minor}` : "php-fpm",
      executablePath: debian ? `/usr/sbin/php-fpm${minor}` : "/usr/sbin/php-fpm",
      commandLine: debian
        ? `php-fpm: master process (/etc/php/${minor}/fpm/php-fpm.conf)`
        : "php-fpm: master process (/etc/php-fpm.conf)",
      group: "php-fpm",
      description: "PHP FastCGI Process Manager",
      companyName: "",
      productName: "PHP",
      services: [debian ? `php${minor}-fpm.service` : "php-fpm.service"],
      userName: debian ? "www-data" : "apache",
    },
    [loopback(9000)],
  );
}

export function appService(os: OsRelease, runtime: AppRuntime, name: string): Software {
  const port = appPorts[runtime];
  const serviceUser = `svc-${name}`;
  if (os.family === "Windows") {
    const title = name.charAt(0).toUpperCase() + name.slice(1);
    return {
      identity: identity({
        executableName: "dotnet",
        executablePath: "C:\\Program Files\\dotnet\\dotnet.exe",
        commandLine: `"C:\\Program Files\\dotnet\\dotnet.exe" D:\\apps\\${title}.Api\\${title}.Api.dll`,
        displayName: `${title}.Api`,
        group: name,
        description: ".NET Host",
        companyName: "Microsoft Corporation",
        productName: "Microsoft® .NET",
        role: "appServer",
        services: [`${title}Api`],
        userName: serviceUser,
        userDomain: "ACME",
        workingDirectory: `D:\\apps\\${title}.Api\\`,
      }),
      version: "8.0.3",
      upgradeVersion: "8.0.4",
      ports: [wildcard(port)],
    };
  }
  switch (runtime) {
    case "java": {
      const javaHome =
        os.flavour === "debian" ? "/usr/lib/jvm/java-17-openjdk-amd64" : "/usr/lib/jvm/java-17-openjdk";
      return {
        identity: identity({
          executableName: "java",
          executablePath: `${javaHome}/bin/java`,
          commandLine: `${javaHome}/bin/java -Xms2g -Xmx4g -XX:+UseG1GC -jar /opt/${name}/${name}-service.jar --spring.profiles.active=prod --server.port=${port}`,
          displayName: `${name}-service`,
          group: name,
          description: "OpenJDK Platform binary",
          companyName: vendorOf(os),
          productName: "OpenJDK Runtime Environment",
          role: "appServer",
          services: [`${name}.service`],
          userName: serviceUser,
          workingDirectory: `/opt/${name}`,
        }),
        version: "17.0.10",
        upgradeVersion: "17.0.11",
        ports: [wildcard(port), wildcard(8443)],
      };
    }
    case "node":
      return {
        identity: identity({
          executableName: "node",
          executablePath: "/usr/bin/node",
          commandLine: `/usr/bin/node /srv/${name}/dist/server.js`,
          displayName: `${name}-api`,
          group: name,
          description: "Node.js JavaScript runtime",
          companyName: "OpenJS Foundation",
          productName: "Node.js",
          role: "appServer",
          services: [`${name}.service`],
          userName: serviceUser,
          workingDirectory: `/srv/${name}`,
        }),
        version: "20.11.1",
        upgradeVersion: "20.12.2",
        ports: [wildcard(port)],
      };
    case "dotnet": {
      const title = name.charAt(0).toUpperCase() + name.slice(1);
      return {
        identity: identity({
          executableName: "dotnet",
          executablePath: "/usr/lib/dotnet/dotnet",
          commandLine: `/usr/lib/dotnet/dotnet /opt/${name}/${title}.Api.dll --urls http://0.0.0.0:${port}`,
          displayName: `${title}.Api`,
          group: name,
          description: ".NET Host",
          companyName: "Microsoft Corporation",
          productName: "Microsoft .NET",
          role: "appServer",
          services: [`${name}.service`],
          userName: serviceUser,
          workingDirectory: `/opt/${name}`,
        }),
        version: "8.0.3",
        upgradeVersion: "8.0.4",
        ports: [wildcard(port)],
      };
    }
  }
}

export function telemetryCollector(): Software {
  return {
    identity: identity({
      executableName: "otelcol-contrib",
      executablePath: "/usr/bin/otelcol-contrib",
      commandLine: "/usr/bin/otelcol-contrib --config=/etc/otelcol-contrib/config.yaml",
      description: "OpenTelemetry Collector Contrib",
      companyName: "OpenTelemetry Authors",
      productName: "OpenTelemetry Collector",
      services: ["otelcol-contrib.service"],
      userName: "otelcol-contrib",
    }),
    version: "0.96.0",
    upgradeVersion: undefined,
    ports: [loopback(4317)],
  };
}

export type DatabaseEngine = "postgres" | "mysqld" | "sqlservr";

export const databasePorts: Readonly<Record<DatabaseEngine, number>> = {
  postgres: 5432,
  mysqld: 3306,
  sqlservr: 1433,
};

export function databaseServer(os: OsRelease, engine: DatabaseEngine): Software {
  switch (engine) {
    case "postgres": {
      const redhat = os.flavour === "redhat";
      return {
        identity: identity({
          executableName: "postgres",
          executablePath: redhat ? "/usr/pgsql-15/bin/postgres" : "/usr/lib/postgresql/15/bin/postgres",
          commandLine: redhat
            ? "/usr/pgsql-15/bin/postgres -D /var/lib/pgsql/15/data/"
            : "/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main -c config_file=/etc/postgresql/15/main/postgresql.conf",
          description: "PostgreSQL server",
          companyName: "PostgreSQL Global Development Group",
          productName: "PostgreSQL",
          role: "databaseServer",
          services: [redhat ? "postgresql-15.service" : "postgresql@15-main.service"],
          userName: "postgres",
          workingDirectory: redhat ? "/var/lib/pgsql" : "/var/lib/postgresql",
        }),
        version: "15.6",
        upgradeVersion: "15.7",
        ports: [wildcard(5432)],
      };
    }
    case "mysqld":
      return {
        identity: identity({
          executableName: "mysqld",
          executablePath: "/usr/sbin/mysqld",
          commandLine:
            "/usr/sbin/mysqld --basedir=/usr --datadir=/var/lib/mysql --plugin-dir=/usr/lib/mysql/plugin --pid-file=/run/mysqld/mysqld.pid",
          description: "MySQL Server",
          companyName: "Oracle Corporation",
          productName: "MySQL",
          role: "databaseServer",
          services: ["mysql.service"],
          userName: "mysql",
          workingDirectory: "/var/lib/mysql",
        }),
        version: "8.0.36",
        upgradeVersion: "8.0.37",
        ports: [wildcard(3306)],
      };
    case "sqlservr":
      return {
        identity: identity({
          executableName: "sqlservr",
          executablePath: "/opt/mssql/bin/sqlservr",
          commandLine: "/opt/mssql/bin/sqlservr",
          description: "SQL Server Windows NT - 64 Bit",
          companyName: "Microsoft Corporation",
          productName: "Microsoft SQL Server",
          role: "databaseServer",
          services: ["mssql-server.service"],
          userName: "mssql",
          workingDirectory: "/var/opt/mssql",
        }),
        version: "16.0.4115.5",
        upgradeVersion: "16.0.4125.3",
        ports: [wildcard(1433)],
      };
  }
}

export type CacheEngine = "redis-server" | "memcached";

export const cachePorts: Readonly<Record<CacheEngine, number>> = { "redis-server": 6379, memcached: 11211 };

export function cacheServer(os: OsRelease, engine: CacheEngine): Software {
  if (engine === "redis-server") {
    return distroPackage(
      os,
      "redis",
      {
        executableName: "redis-server",
        executablePath: "/usr/bin/redis-server",
        // redis shows its bind address in the process title; it binds loopback and the host address.
        commandLine: "/usr/bin/redis-server 127.0.0.1:6379",
        description: "Redis persistent key-value database",
        companyName: "",
        productName: "Redis",
        services: [os.flavour === "redhat" ? "redis.service" : "redis-server.service"],
        userName: "redis",
        workingDirectory: "/var/lib/redis",
      },
      [{ port: 6379, protocol: "tcp", bind: "host-and-loopback" }],
    );
  }
  return distroPackage(
    os,
    "memcached",
    {
      executableName: "memcached",
      executablePath: "/usr/bin/memcached",
      commandLine: "/usr/bin/memcached -m 4096 -p 11211 -u memcache -l 0.0.0.0 -c 4096",
      description: "memcached high-performance memory object caching system",
      companyName: "",
      productName: "memcached",
      services: ["memcached.service"],
      userName: "memcache",
    },
    [wildcard(11211)],
  );
}

export function ldapServer(os: OsRelease): Software {
  const debian = os.flavour === "debian";
  return distroPackage(
    os,
    "openldap",
    {
      executableName: "slapd",
      executablePath: "/usr/sbin/slapd",
      commandLine: debian
        ? "/usr/sbin/slapd -h ldap:/// ldapi:/// ldaps:/// -g openldap -u openldap -F /etc/ldap/slapd.d"
        : "/usr/sbin/slapd -u ldap -h ldap:/// ldaps:/// ldapi:///",
      description: "OpenLDAP standalone server",
      companyName: "",
      productName: "OpenLDAP",
      role: "ldapServer",
      services: ["slapd.service"],
      userName: debian ? "openldap" : "ldap",
    },
    [wildcard(389), wildcard(636)],
  );
}

export function smbServer(os: OsRelease): Software {
  return distroPackage(
    os,
    "samba",
    {
      executableName: "smbd",
      executablePath: "/usr/sbin/smbd",
      commandLine: "/usr/sbin/smbd --foreground --no-process-group",
      description: "Samba SMB/CIFS file server",
      companyName: "",
      productName: "Samba",
      role: "smbServer",
      services: [os.flavour === "redhat" ? "smb.service" : "smbd.service"],
      userName: "root",
    },
    [wildcard(445)],
  );
}

export function sshServer(os: OsRelease): Software {
  return distroPackage(
    os,
    "openssh",
    {
      executableName: "sshd",
      executablePath: "/usr/sbin/sshd",
      commandLine: "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups",
      description: "OpenSSH server",
      companyName: "",
      productName: "OpenSSH",
      services: [os.flavour === "redhat" ? "sshd.service" : "ssh.service"],
      userName: "root",
    },
    [wildcard(22)],
  );
}

/** The metrics exporter that the site's Prometheus scrapes every fifteen seconds. */
export function metricsExporter(os: OsRelease): Software {
  if (os.family === "Windows") {
    return {
      identity: identity({
        executableName: "windows_exporter",
        executablePath: "C:\\Program Files\\windows_exporter\\windows_exporter.exe",
        commandLine:
          '"C:\\Program Files\\windows_exporter\\windows_exporter.exe" --log.format logger:eventlog?name=windows_exporter',
        description: "Prometheus exporter for Windows machines",
        companyName: "Prometheus Community",
        productName: "windows_exporter",
        services: ["windows_exporter"],
        userName: "SYSTEM",
        userDomain: "NT AUTHORITY",
        workingDirectory: "C:\\Windows\\system32\\",
      }),
      version: "0.25.1",
      upgradeVersion: undefined,
      ports: [wildcard(9182)],
    };
  }
  const debian = os.flavour === "debian";
  return {
    identity: identity({
      executableName: debian ? "prometheus-node-exporter" : "node_exporter",
      executablePath: debian ? "/usr/bin/prometheus-node-exporter" : "/usr/local/bin/node_exporter",
      commandLine: debian
        ? "/usr/bin/prometheus-node-exporter"
        : "/usr/local/bin/node_exporter --collector.systemd",
      description: "Prometheus exporter for machine metrics",
      companyName: "",
      productName: "node_exporter",
      services: [debian ? "prometheus-node-exporter.service" : "node_exporter.service"],
      userName: debian ? "prometheus" : "node_exporter",
    }),
    version: "1.7.0",
    upgradeVersion: undefined,
    ports: [wildcard(9100)],
  };
}

/** The process that keeps the clock: chronyd, or systemd-timesyncd on Ubuntu, or W32Time inside svchost. */
export function timeSync(os: OsRelease): Software {
  if (os.family === "Windows") {
    return {
      identity: identity({
        executableName: "svchost",
        executablePath: "C:\\Windows\\System32\\svchost.exe",
        commandLine: "C:\\Windows\\system32\\svchost.exe -k LocalService -s W32Time",
        displayName: "svchost (W32Time)",
        description: "Host Process for Windows Services",
        companyName: "Microsoft Corporation",
        productName: "Microsoft® Windows® Operating System",
        services: ["W32Time"],
        userName: "LOCAL SERVICE",
        userDomain: "NT AUTHORITY",
        workingDirectory: "C:\\Windows\\system32\\",
      }),
      version: "10.0.20348.1",
      upgradeVersion: undefined,
      ports: [],
    };
  }
  if (os.name === "Ubuntu") {
    return distroPackage(
      os,
      "systemd",
      {
        executableName: "systemd-timesyncd",
        executablePath: "/lib/systemd/systemd-timesyncd",
        commandLine: "/lib/systemd/systemd-timesyncd",
        description: "Network Time Synchronization",
        companyName: "",
        productName: "systemd",
        services: ["systemd-timesyncd.service"],
        userName: "systemd-timesync",
      },
      [],
    );
  }
  return distroPackage(
    os,
    "chrony",
    {
      executableName: "chronyd",
      executablePath: "/usr/sbin/chronyd",
      commandLine: "/usr/sbin/chronyd -F 2",
      description: "NTP client/server",
      companyName: "",
      productName: "chrony",
      services: ["chronyd.service"],
      userName: "_chrony",
    },
    [],
  );
}

/** Ubuntu's stub resolver forwards every lookup to the site resolvers. */
export function stubResolver(os: OsRelease): Software {
  return distroPackage(
    os,
    "systemd",
    {
      executableName: "systemd-resolved",
      executablePath: "/lib/systemd/systemd-resolved",
      commandLine: "/lib/systemd/systemd-resolved",
      description: "Network Name Resolution",
      companyName: "",
      productName: "systemd",
      services: ["systemd-resolved.service"],
      userName: "systemd-resolve",
    },
    [{ port: 53, protocol: "udp", bind: "loopback" }],
  );
}

/** An hourly cron job that fetches something with curl. */
export function curlJob(os: OsRelease, url: string, target: string): Software {
  return distroPackage(
    os,
    "curl",
    {
      executableName: "curl",
      executablePath: "/usr/bin/curl",
      commandLine: `/usr/bin/curl -fsSL --max-time 300 -o ${target} ${url}`,
      description: "command line tool for transferring data with URL syntax",
      companyName: "",
      productName: "curl",
      userName: "root",
      workingDirectory: "/root",
    },
    [],
  );
}

/** An hourly export job: reads a database, writes to the file share and uploads to object storage. */
export function exportJob(os: OsRelease, name: string): Software {
  return distroPackage(
    os,
    "python3",
    {
      executableName: "python3",
      executablePath: "/usr/bin/python3",
      commandLine: `/usr/bin/python3 /opt/etl/${name}_export.py --since=1h --target=/mnt/exports/${name}`,
      displayName: `${name}_export.py`,
      group: `${name}-export`,
      description: "Python interpreter",
      companyName: "",
      productName: "Python",
      userName: "etl",
      workingDirectory: "/opt/etl",
    },
    [],
  );
}

/** Malware dropped on a compromised host (a miner, its loader): the kind of thing the threat columns exist for. */
export function malware(name: string): Software {
  return {
    identity: identity({
      executableName: name,
      executablePath: `/tmp/${name}`,
      commandLine: `/tmp/${name}`,
      description: "",
      companyName: "",
      productName: "",
      userName: "www-data",
      workingDirectory: "/tmp",
    }),
    version: "",
    upgradeVersion: undefined,
    ports: [],
  };
}
