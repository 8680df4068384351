// Which machines the estate has. Ten are always there: the ones the documentation's example queries name
// (acme-demo, admdemo-appsvr, three machines by resource name, one by IP address) and one of each remaining
// tier, so that every example query has something to find however small the estate. The rest are drawn by
// site and tier.

import { linuxWeights } from "./catalogue/operating-systems.js";
import { siteByCode, sites, type Site } from "./catalogue/sites.js";
import {
  appServiceNames,
  type AppRuntime,
  type CacheEngine,
  type DatabaseEngine,
} from "./catalogue/software.js";
import type { Tier } from "./estate-model.js";
import type { MachinePlan, Workload } from "./machine-factory.js";
import type { Random } from "./random.js";

/** The names the documentation's queries look for. */
export const namedEntities = {
  webComputer: "acme-demo",
  appComputer: "admdemo-appsvr",
  searchedAgentId: "4b9c93f9-bc37-46df-b43c-899ba829e07b",
  processListAgentId: "559dbcd8-3130-454d-8d1d-f624e57961bc",
  dependencyAgentId: "82412a7a-6a32-45a9-a8d6-538354224a25",
  searchedIp: "10.229.243.232",
} as const;

export function coreMachinePlans(): MachinePlan[] {
  const dal = siteByCode("dal1");
  const fra = siteByCode("fra1");
  const weu = siteByCode("weu");
  return [
    {
      site: dal,
      osKey: "ubuntu-22.04",
      computer: namedEntities.webComputer,
      workload: { tier: "web", php: true, publicFacing: true },
    },
    {
      site: dal,
      osKey: "ubuntu-22.04",
      computer: namedEntities.appComputer,
      workload: { tier: "app", runtime: "java", service: "orders" },
    },
    {
      site: dal,
      osKey: "debian-12",
      agentId: namedEntities.dependencyAgentId,
      workload: { tier: "app", runtime: "node", service: "checkout" },
    },
    {
      site: dal,
      osKey: "rhel-8",
      agentId: namedEntities.searchedAgentId,
      workload: { tier: "database", engine: "postgres" },
    },
    {
      site: fra,
      osKey: "ubuntu-20.04",
      agentId: namedEntities.processListAgentId,
      workload: { tier: "database", engine: "sqlservr" },
    },
    {
      site: dal,
      osKey: "centos-7",
      ipv4: namedEntities.searchedIp,
      workload: { tier: "cache", engine: "redis-server" },
    },
    { site: dal, osKey: "debian-12", workload: { tier: "ldap" } },
    { site: fra, osKey: "debian-11", workload: { tier: "smb" } },
    { site: dal, osKey: "centos-7", workload: { tier: "batch", export: "orders" } },
    {
      site: weu,
      osKey: "ubuntu-22.04",
      compromised: true,
      workload: { tier: "web", php: false, publicFacing: true },
    },
  ];
}

export const minimumMachines = coreMachinePlans().length;

const tierWeights: readonly (readonly [Tier, number])[] = [
  ["web", 16],
  ["app", 40],
  ["database", 13],
  ["cache", 9],
  ["ldap", 4],
  ["smb", 5],
  ["batch", 13],
];

export function extraMachinePlans(count: number, rng: Random): MachinePlan[] {
  const plans: MachinePlan[] = [];
  // One machine drops off the network near the end, taking its connections down with it.
  const outageIndex = count >= 10 ? Math.floor(count / 2) : -1;
  for (let i = 0; i < count; i++) {
    const site: Site = rng.weighted(sites.map((s) => [s, s.weight] as const));
    const tier = rng.weighted(tierWeights);
    const windows = tier === "app" && rng.chance(0.08);
    const osKey = windows ? "windows-2022" : rng.weighted(linuxWeights);
    const workload = workloadFor(tier, site, rng);
    plans.push({
      site,
      osKey,
      // .NET is the one application runtime the Windows servers run.
      workload: windows && workload.tier === "app" ? { ...workload, runtime: "dotnet" } : workload,
      reboot: rng.chance(0.03),
      outage: i === outageIndex,
    });
  }
  return plans;
}

function workloadFor(tier: Tier, site: Site, rng: Random): Workload {
  switch (tier) {
    case "web":
      return { tier, php: rng.chance(0.5), publicFacing: site.azure !== undefined || rng.chance(0.2) };
    case "app":
      return {
        tier,
        runtime: rng.weighted<AppRuntime>([
          ["java", 5],
          ["node", 3],
          ["dotnet", 2],
        ]),
        service: rng.pick(appServiceNames),
      };
    case "database":
      return {
        tier,
        engine: rng.weighted<DatabaseEngine>([
          ["postgres", 5],
          ["mysqld", 3],
          ["sqlservr", 2],
        ]),
      };
    case "cache":
      return {
        tier,
        engine: rng.weighted<CacheEngine>([
          ["redis-server", 7],
          ["memcached", 3],
        ]),
      };
    case "batch":
      return { tier, export: rng.pick(appServiceNames) };
    case "ldap":
    case "smb":
      return { tier };
  }
}
