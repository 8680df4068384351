// Operating systems of the estate, with the package versions that differ between them: the same program
// shows a different ProductVersion on each release, which is what a version inventory query should find.

export type OsFamily = "Linux" | "Windows";

export interface AzureImage {
  readonly publisher: string;
  readonly offer: string;
  readonly sku: string;
  readonly version: string;
}

export interface OsRelease {
  readonly key: string;
  readonly family: OsFamily;
  readonly fullName: string;
  /** Heartbeat.OSName, OSMajorVersion, OSMinorVersion. */
  readonly name: string;
  readonly major: string;
  readonly minor: string;
  /** Debian-style systems use different paths and package versions from Red Hat-style ones. */
  readonly flavour: "debian" | "redhat" | "windows";
  readonly packages: Readonly<Record<PackageName, string>>;
  readonly azureImage: AzureImage | undefined;
}

export type PackageName =
  | "curl"
  | "nginx"
  | "httpd"
  | "php-fpm"
  | "openssh"
  | "chrony"
  | "systemd"
  | "python3"
  | "redis"
  | "memcached"
  | "openldap"
  | "samba";

const windowsPackages: Readonly<Record<PackageName, string>> = {
  curl: "8.4.0",
  nginx: "",
  httpd: "",
  "php-fpm": "",
  openssh: "9.5.0",
  chrony: "",
  systemd: "",
  python3: "",
  redis: "",
  memcached: "",
  openldap: "",
  samba: "",
};

export const osReleases: readonly OsRelease[] = [
  {
    key: "ubuntu-22.04",
    family: "Linux",
    fullName: "Ubuntu 22.04.4 LTS",
    name: "Ubuntu",
    major: "22",
    minor: "04",
    flavour: "debian",
    packages: {
      curl: "7.81.0",
      nginx: "1.18.0",
      httpd: "2.4.52",
      "php-fpm": "8.1.2",
      openssh: "8.9p1",
      chrony: "4.2",
      systemd: "249.11",
      python3: "3.10.12",
      redis: "6.0.16",
      memcached: "1.6.14",
      openldap: "2.5.16",
      samba: "4.15.13",
    },
    azureImage: {
      publisher: "Canonical",
      offer: "0001-com-ubuntu-server-jammy",
      sku: "22_04-lts-gen2",
      version: "22.04.202404090",
    },
  },
  {
    key: "ubuntu-20.04",
    family: "Linux",
    fullName: "Ubuntu 20.04.6 LTS",
    name: "Ubuntu",
    major: "20",
    minor: "04",
    flavour: "debian",
    packages: {
      curl: "7.68.0",
      nginx: "1.18.0",
      httpd: "2.4.41",
      "php-fpm": "7.4.3",
      openssh: "8.2p1",
      chrony: "3.5",
      systemd: "245.4",
      python3: "3.8.10",
      redis: "5.0.7",
      memcached: "1.5.22",
      openldap: "2.4.49",
      samba: "4.13.17",
    },
    azureImage: {
      publisher: "Canonical",
      offer: "0001-com-ubuntu-server-focal",
      sku: "20_04-lts-gen2",
      version: "20.04.202403120",
    },
  },
  {
    key: "debian-12",
    family: "Linux",
    fullName: "Debian GNU/Linux 12 (bookworm)",
    name: "Debian",
    major: "12",
    minor: "5",
    flavour: "debian",
    packages: {
      curl: "7.88.1",
      nginx: "1.22.1",
      httpd: "2.4.59",
      "php-fpm": "8.2.18",
      openssh: "9.2p1",
      chrony: "4.3",
      systemd: "252.22",
      python3: "3.11.2",
      redis: "7.0.15",
      memcached: "1.6.18",
      openldap: "2.5.13",
      samba: "4.17.12",
    },
    azureImage: { publisher: "Debian", offer: "debian-12", sku: "12-gen2", version: "0.20240415.1719" },
  },
  {
    key: "debian-11",
    family: "Linux",
    fullName: "Debian GNU/Linux 11 (bullseye)",
    name: "Debian",
    major: "11",
    minor: "9",
    flavour: "debian",
    packages: {
      curl: "7.74.0",
      nginx: "1.18.0",
      httpd: "2.4.59",
      "php-fpm": "7.4.33",
      openssh: "8.4p1",
      chrony: "4.0",
      systemd: "247.3",
      python3: "3.9.2",
      redis: "6.0.16",
      memcached: "1.6.9",
      openldap: "2.4.57",
      samba: "4.13.13",
    },
    azureImage: { publisher: "Debian", offer: "debian-11", sku: "11-gen2", version: "0.20240211.1654" },
  },
  {
    key: "rhel-8",
    family: "Linux",
    fullName: "Red Hat Enterprise Linux 8.9 (Ootpa)",
    name: "Red Hat Enterprise Linux",
    major: "8",
    minor: "9",
    flavour: "redhat",
    packages: {
      curl: "7.61.1",
      nginx: "1.14.1",
      httpd: "2.4.37",
      "php-fpm": "7.2.24",
      openssh: "8.0p1",
      chrony: "4.2",
      systemd: "239",
      python3: "3.6.8",
      redis: "5.0.3",
      memcached: "1.5.22",
      openldap: "2.4.46",
      samba: "4.18.6",
    },
    azureImage: { publisher: "RedHat", offer: "RHEL", sku: "8-lvm-gen2", version: "8.9.2024040316" },
  },
  {
    key: "rhel-9",
    family: "Linux",
    fullName: "Red Hat Enterprise Linux 9.3 (Plow)",
    name: "Red Hat Enterprise Linux",
    major: "9",
    minor: "3",
    flavour: "redhat",
    packages: {
      curl: "7.76.1",
      nginx: "1.20.1",
      httpd: "2.4.57",
      "php-fpm": "8.0.30",
      openssh: "8.7p1",
      chrony: "4.3",
      systemd: "252",
      python3: "3.9.18",
      redis: "6.2.7",
      memcached: "1.6.9",
      openldap: "2.6.3",
      samba: "4.18.6",
    },
    azureImage: { publisher: "RedHat", offer: "RHEL", sku: "9-lvm-gen2", version: "9.3.2023111017" },
  },
  {
    key: "centos-7",
    family: "Linux",
    fullName: "CentOS Linux 7 (Core)",
    name: "CentOS Linux",
    major: "7",
    minor: "9",
    flavour: "redhat",
    packages: {
      curl: "7.29.0",
      nginx: "1.20.1",
      httpd: "2.4.6",
      "php-fpm": "5.4.16",
      openssh: "7.4p1",
      chrony: "3.4",
      systemd: "219",
      python3: "3.6.8",
      redis: "3.2.12",
      memcached: "1.4.15",
      openldap: "2.4.44",
      samba: "4.10.16",
    },
    azureImage: { publisher: "OpenLogic", offer: "CentOS", sku: "7_9-gen2", version: "7.9.2022101800" },
  },
  {
    key: "windows-2022",
    family: "Windows",
    fullName: "Microsoft Windows Server 2022 Datacenter",
    name: "Windows Server 2022 Datacenter",
    major: "10",
    minor: "0",
    flavour: "windows",
    packages: windowsPackages,
    azureImage: {
      publisher: "MicrosoftWindowsServer",
      offer: "WindowsServer",
      sku: "2022-datacenter-azure-edition",
      version: "20348.2402.240405",
    },
  },
];

export function osRelease(key: string): OsRelease {
  const os = osReleases.find((o) => o.key === key);
  if (os === undefined) throw new Error(`no operating system ${key}`);
  return os;
}

/** How common each Linux release is among the machines beyond the fixed ones. */
export const linuxWeights: readonly (readonly [string, number])[] = [
  ["ubuntu-22.04", 30],
  ["ubuntu-20.04", 12],
  ["debian-12", 15],
  ["debian-11", 6],
  ["rhel-8", 12],
  ["rhel-9", 8],
  ["centos-7", 12],
];
