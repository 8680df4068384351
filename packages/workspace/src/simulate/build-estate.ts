// Builds the whole estate from the options: machines, their programs, and who talks to whom. Each part
// draws from its own random stream, so the same seed always yields the same estate.

import {
  apiServices,
  botnetScanner,
  c2Server,
  downloadServices,
  miningPool,
  ntpService,
  visitorNetworks,
  withLastReported,
  type InternetService,
} from "./catalogue/internet.js";
import { metricsScraperIp, resolverIps, sites } from "./catalogue/sites.js";
import {
  appService,
  cacheServer,
  curlJob,
  databaseServer,
  exportJob,
  ldapServer,
  malware,
  metricsExporter,
  phpFpm,
  smbServer,
  sshServer,
  stubResolver,
  telemetryCollector,
  timeSync,
  webServer,
} from "./catalogue/software.js";
import type {
  Estate,
  Flow,
  RemoteFacts,
  SimBoundPort,
  SimMachine,
  SimProcess,
  SimulationWindow,
  Tier,
} from "./estate-model.js";
import { coreMachinePlans, extraMachinePlans, minimumMachines, namedEntities } from "./estate-plan.js";
import { FlowWiring, noFacts, type FlowOptions } from "./flow-wiring.js";
import { createMachine, MachineNamer, type MachinePlan, type PlannedMachine } from "./machine-factory.js";
import { ProcessFactory } from "./process-factory.js";
import { Random, streamFor } from "./random.js";
import { officeHoursProfile, windowEndingAt } from "./time-profile.js";
import { trafficShapes } from "./traffic-shapes.js";

export interface EstateOptions {
  readonly machines: number;
  readonly hours: number;
  readonly seed: number;
  /** The end of the window; truncated to the minute. */
  readonly end: Date;
  /** The workspace the rows belong to (TenantId). */
  readonly tenantId: string;
}

export const maximumMachines = 20_000;

/** The programs of one machine that other machines' flows attach to. */
interface MachineRoles {
  readonly machine: SimMachine;
  readonly plan: MachinePlan;
  /** The machine's main program and the port it serves on, if it serves one. */
  main: SimProcess | undefined;
  mainPort: SimBoundPort | undefined;
  dnsClient: SimProcess | undefined;
  sshPort: SimBoundPort | undefined;
  timeClient: SimProcess | undefined;
  exporterPort: SimBoundPort | undefined;
  phpPort: SimBoundPort | undefined;
  telemetryPort: SimBoundPort | undefined;
  exportJob: SimProcess | undefined;
  curl: SimProcess | undefined;
  malware: SimProcess[];
}

export function buildEstate(options: EstateOptions): Estate {
  validateOptions(options);
  const window = windowEndingAt(options.end, options.hours);
  const seed = options.seed >>> 0;
  const idRng = streamFor(seed, "subscriptions");
  const namer = new MachineNamer();
  const context = {
    estateSeed: seed,
    window,
    namer,
    cloudSubscriptionId: idRng.guid(),
    arcSubscriptionId: idRng.guid(),
  };
  const plans = [
    ...coreMachinePlans(),
    ...extraMachinePlans(options.machines - minimumMachines, streamFor(seed, "plan")),
  ];
  const planned: PlannedMachine[] = plans.map((plan, index) => ({
    plan,
    machine: createMachine(plan, index, context),
  }));

  const processes = new ProcessFactory(window);
  const softwareRng = streamFor(seed, "software");
  const roles = planned.map(({ plan, machine }) =>
    installSoftware(plan, machine, processes, softwareRng, window),
  );

  const profiles = new Map(sites.map((site) => [site.code, officeHoursProfile(window, site)]));
  const wiring = new FlowWiring(seed, (code) => profiles.get(code) as Float32Array);
  new EstateWiring(roles, wiring, streamFor(seed, "wiring"), window).wire();

  return {
    seed,
    window,
    tenantId: options.tenantId,
    machines: planned.map((p) => p.machine),
    flows: wiring.flows,
  };
}

function validateOptions(options: EstateOptions): void {
  if (
    !Number.isInteger(options.machines) ||
    options.machines < minimumMachines ||
    options.machines > maximumMachines
  ) {
    throw new Error(`machines must be a whole number from ${minimumMachines} to ${maximumMachines}`);
  }
  if (!(options.hours > 0) || options.hours > 24 * 31 || Math.round(options.hours * 60) < 1) {
    throw new Error("hours must be more than 0 and at most 744 (31 days)");
  }
  if (Number.isNaN(options.end.getTime())) throw new Error("end must be a valid date");
}

function installSoftware(
  plan: MachinePlan,
  machine: SimMachine,
  factory: ProcessFactory,
  rng: Random,
  window: SimulationWindow,
): MachineRoles {
  const { os } = machine;
  const linux = os.family === "Linux";
  const roles: MachineRoles = {
    machine,
    plan,
    main: undefined,
    mainPort: undefined,
    dnsClient: undefined,
    sshPort: undefined,
    timeClient: undefined,
    exporterPort: undefined,
    phpPort: undefined,
    telemetryPort: undefined,
    exportJob: undefined,
    curl: undefined,
    malware: [],
  };
  const service = { upgradeChance: 0.05, restartChance: 0.03 };
  const workload = plan.workload;
  switch (workload.tier) {
    case "web":
      roles.main = factory.add(machine, webServer(os), rng, service);
      roles.mainPort = roles.main.boundPorts.find((p) => p.port === 443);
      if (workload.php) roles.phpPort = factory.add(machine, phpFpm(os), rng, service).boundPorts[0];
      break;
    case "app": {
      // The documentation's app server gets a runtime upgrade part-way through the window.
      const upgradeAt =
        machine.computer === namedEntities.appComputer ? Math.floor(window.minutes * 0.4) : undefined;
      roles.main = factory.add(machine, appService(os, workload.runtime, workload.service), rng, {
        ...service,
        ...(upgradeAt === undefined ? {} : { upgradeAt }),
      });
      roles.mainPort = roles.main.boundPorts[0];
      if (linux) roles.telemetryPort = factory.add(machine, telemetryCollector(), rng, service).boundPorts[0];
      if (linux && (machine.computer === namedEntities.appComputer || rng.chance(0.3))) {
        roles.curl = factory.add(
          machine,
          curlJob(
            os,
            "https://objects.githubusercontent.com/acme/deploy-manifests/main.tar.gz",
            "/var/cache/deploy/manifests.tar.gz",
          ),
          rng,
          {
            schedule: { minuteOfHour: rng.int(0, 59), durationMinutes: 1 },
          },
        );
      }
      break;
    }
    case "database":
      roles.main = factory.add(machine, databaseServer(os, workload.engine), rng, {
        upgradeChance: 0.02,
        restartChance: 0.01,
      });
      roles.mainPort = roles.main.boundPorts[0];
      break;
    case "cache":
      roles.main = factory.add(machine, cacheServer(os, workload.engine), rng, service);
      roles.mainPort = roles.main.boundPorts[0];
      break;
    case "ldap":
      roles.main = factory.add(machine, ldapServer(os), rng, service);
      roles.mainPort = roles.main.boundPorts[0];
      break;
    case "smb":
      roles.main = factory.add(machine, smbServer(os), rng, service);
      roles.mainPort = roles.main.boundPorts[0];
      break;
    case "batch": {
      roles.exportJob = factory.add(machine, exportJob(os, workload.export), rng, {
        schedule: { minuteOfHour: rng.int(0, 59), durationMinutes: rng.int(3, 8) },
      });
      const mirror =
        os.key === "centos-7"
          ? "http://mirrorlist.centos.org/?release=7&arch=x86_64&repo=updates"
          : "https://objects.githubusercontent.com/acme/etl-config/main.tar.gz";
      roles.curl = factory.add(machine, curlJob(os, mirror, "/var/cache/etl/latest"), rng, {
        schedule: { minuteOfHour: rng.int(0, 59), durationMinutes: rng.int(1, 2) },
      });
      roles.main = roles.exportJob;
      break;
    }
  }
  if (linux) roles.sshPort = factory.add(machine, sshServer(os), rng, { restartChance: 0.01 }).boundPorts[0];
  roles.timeClient = factory.add(machine, timeSync(os), rng);
  roles.exporterPort = factory.add(machine, metricsExporter(os), rng, { restartChance: 0.01 }).boundPorts[0];
  roles.dnsClient = os.name === "Ubuntu" ? factory.add(machine, stubResolver(os), rng) : roles.main;
  if (plan.compromised === true) {
    roles.malware.push(
      factory.add(machine, malware("kdevtmpfsi"), rng),
      factory.add(machine, malware("kinsing"), rng),
    );
  }
  return roles;
}

class EstateWiring {
  private readonly byTier = new Map<Tier, MachineRoles[]>();
  private readonly workstationCount = 2_000;

  constructor(
    private readonly roles: readonly MachineRoles[],
    private readonly wiring: FlowWiring,
    private readonly rng: Random,
    private readonly window: SimulationWindow,
  ) {
    for (const role of roles) {
      const list = this.byTier.get(role.machine.tier) ?? [];
      list.push(role);
      this.byTier.set(role.machine.tier, list);
    }
  }

  wire(): void {
    for (const role of this.roles) {
      switch (role.plan.workload.tier) {
        case "web":
          this.wireWeb(role, role.plan.workload.publicFacing);
          break;
        case "app":
          this.wireApp(role);
          break;
        case "database":
          this.wireDatabase(role);
          break;
        case "smb":
          this.wireFileServer(role);
          break;
        case "batch":
          this.wireBatch(role);
          break;
        case "cache":
        case "ldap":
          break;
      }
      this.wireHousekeeping(role);
      if (role.malware.length > 0) this.wireCompromise(role);
    }
  }

  private wireWeb(role: MachineRoles, publicFacing: boolean): void {
    const { main, mainPort, machine } = role;
    if (main === undefined || mainPort === undefined) return;
    const pinned = this.pinned(machine.computer === namedEntities.webComputer, [
      computerOf(namedEntities.appComputer),
      machineOf(namedEntities.dependencyAgentId),
    ]);
    const backends = pinned ?? this.pickServers("app", machine, this.rng.int(2, 3), 0.85);
    for (const backend of backends) {
      if (backend.mainPort !== undefined) this.connect(main, backend.mainPort, trafficShapes.reverseProxy);
    }
    if (machine.computer === namedEntities.webComputer) {
      // acme-demo: a second backend port that a firewall change closed a couple of hours ago, and a
      // backend that was retired without updating the configuration.
      const app = this.roles.find((r) => r.machine.computer === namedEntities.appComputer);
      const tls = app?.main?.boundPorts.find((p) => p.port === 8443);
      if (tls !== undefined)
        this.wiring.betweenMachines(main, tls, trafficShapes.reverseProxy, {
          failingFrom: this.recentFailureStart(150),
        });
      this.wiring.toUnmonitored(
        main,
        `10.${machine.site.secondOctet}.99.17`,
        8080,
        "tcp",
        trafficShapes.retiredPeer,
        { failingFrom: 0 },
      );
    }
    if (role.phpPort !== undefined) this.wiring.betweenMachines(main, role.phpPort, trafficShapes.fastCgi);
    const http = main.boundPorts.find((p) => p.port === 80);
    if (publicFacing) {
      for (let i = 0; i < 24; i++) {
        const network = this.rng.pick(visitorNetworks.filter((n) => n.family === "ipv4"));
        this.wiring.fromOutside(
          `${network.prefix}.${this.rng.int(120, 250)}`,
          factsFor(network.geo),
          this.rng.chance(0.85) ? mainPort : (http ?? mainPort),
          trafficShapes.visitor,
        );
      }
      if (machine.ipv6 !== undefined) {
        for (let i = 0; i < 6; i++) {
          const network = this.rng.pick(visitorNetworks.filter((n) => n.family === "ipv6"));
          this.wiring.fromOutside(
            `${network.prefix}::${this.rng.int(0x100, 0xfff).toString(16)}`,
            factsFor(network.geo),
            mainPort,
            trafficShapes.visitor,
          );
        }
      }
    }
    const staff = publicFacing ? 10 : 30;
    for (let i = 0; i < staff; i++)
      this.wiring.fromOutside(this.workstation(machine), noFacts, mainPort, trafficShapes.workstationWeb);
    if (!publicFacing) {
      // Remote staff on the VPN: addresses no inventory knows.
      for (let i = 0; i < 4; i++)
        this.wiring.fromOutside(
          `172.16.${this.rng.int(0, 15)}.${this.rng.int(2, 254)}`,
          noFacts,
          mainPort,
          trafficShapes.workstationWeb,
        );
    }
  }

  private wireApp(role: MachineRoles): void {
    const { main, machine } = role;
    if (main === undefined) return;
    const computer = machine.computer;
    const isOrders = computer === namedEntities.appComputer;
    const isCheckout = machine.agentId === namedEntities.dependencyAgentId;
    const databases =
      this.pinned(isOrders, [machineOf(namedEntities.searchedAgentId)]) ??
      this.pinned(isCheckout, [machineOf(namedEntities.processListAgentId)]) ??
      this.pickServers("database", machine, this.rng.int(1, 2), 0.7);
    for (const db of databases) this.connectWithIncidents(main, db.mainPort, trafficShapes.databasePool);
    const caches =
      this.pinned(isOrders || isCheckout, [ipOf(namedEntities.searchedIp)]) ??
      this.pickServers("cache", machine, 1, 0.9);
    for (const cache of caches) this.connectWithIncidents(main, cache.mainPort, trafficShapes.cachePool);
    if (isOrders || this.rng.chance(0.35)) {
      for (const ldap of this.pickServers("ldap", machine, 1, 0.8))
        this.connect(main, ldap.mainPort, trafficShapes.ldapLookup);
    }
    if (isOrders || this.rng.chance(0.15)) {
      for (const smb of this.pickServers("smb", machine, 1, 0.6))
        this.connect(main, smb.mainPort, trafficShapes.fileShare);
    }
    const peers =
      isOrders || isCheckout
        ? []
        : this.pickServers("app", machine, this.rng.int(0, 3), 0.8).filter((p) => p !== role);
    for (const peer of peers) this.connectWithIncidents(main, peer.mainPort, trafficShapes.serviceCall);
    const apis = isOrders
      ? [apiServices[0] as InternetService]
      : isCheckout
        ? [apiServices[1] as InternetService]
        : this.rng.chance(0.6)
          ? this.rng.sample(apiServices, this.rng.int(1, 2))
          : [];
    for (const api of apis)
      this.wiring.toInternet(main, api, this.rng.int(0, 3), trafficShapes.apiCall, { flakiness: 0.03 });
    if (machine.ipv6 !== undefined && this.rng.chance(0.5)) {
      const npm = apiServices.find((s) => s.name === "registry.npmjs.org");
      if (npm !== undefined) this.wiring.toInternet(main, npm, 1, trafficShapes.apiCall);
    }
    if (role.telemetryPort !== undefined)
      this.wiring.betweenMachines(main, role.telemetryPort, trafficShapes.telemetry);
    if (isCheckout || this.rng.chance(0.15)) {
      // An internal admin UI that staff open straight from their workstations.
      const port = role.mainPort;
      if (port !== undefined)
        for (let i = 0; i < 3; i++)
          this.wiring.fromOutside(this.workstation(machine), noFacts, port, trafficShapes.workstationWeb);
    }
    if (this.rng.chance(0.04)) {
      this.wiring.toUnmonitored(
        main,
        `10.${machine.site.secondOctet}.99.${this.rng.int(10, 250)}`,
        this.rng.pick([8080, 5432, 6379]),
        "tcp",
        trafficShapes.retiredPeer,
        { failingFrom: 0 },
      );
    }
    if (role.curl !== undefined) {
      const download = downloadServices[0] as InternetService;
      this.wiring.toInternet(role.curl, download, this.rng.int(0, 1), trafficShapes.download);
    }
  }

  private wireDatabase(role: MachineRoles): void {
    const { main } = role;
    // A replica streams from a primary of the same engine, usually in another site.
    if (main === undefined || role.plan.workload.tier !== "database" || !this.rng.chance(0.4)) return;
    const engine = role.plan.workload.engine;
    const primaries = (this.byTier.get("database") ?? []).filter(
      (r) => r !== role && r.plan.workload.tier === "database" && r.plan.workload.engine === engine,
    );
    if (primaries.length === 0) return;
    const primary = this.rng.pick(primaries);
    if (primary.mainPort !== undefined) this.connect(main, primary.mainPort, trafficShapes.replication);
  }

  private wireFileServer(role: MachineRoles): void {
    const { main, mainPort, machine } = role;
    if (main === undefined || mainPort === undefined) return;
    for (const ldap of this.pickServers("ldap", machine, 1, 0.8))
      this.connect(main, ldap.mainPort, trafficShapes.directoryBackend);
    for (let i = 0; i < 40; i++)
      this.wiring.fromOutside(this.workstation(machine), noFacts, mainPort, trafficShapes.workstationSmb);
  }

  private wireBatch(role: MachineRoles): void {
    const { machine } = role;
    const job = role.exportJob;
    if (job !== undefined) {
      const core = machine.index < minimumMachines;
      const databases =
        this.pinned(core, [machineOf(namedEntities.searchedAgentId)]) ??
        this.pickServers("database", machine, 1, 0.7);
      for (const db of databases) this.connect(job, db.mainPort, trafficShapes.batchQuery);
      for (const smb of this.pickServers("smb", machine, 1, 0.5))
        this.connect(job, smb.mainPort, trafficShapes.batchWrite);
      const storage = apiServices.filter((s) => s.name.includes("blob") || s.name.startsWith("s3."));
      this.wiring.toInternet(job, this.rng.pick(storage), this.rng.int(0, 1), trafficShapes.upload, {
        flakiness: 0.02,
      });
    }
    if (role.curl !== undefined) {
      const source =
        machine.os.key === "centos-7"
          ? downloadServices.find((s) => s.name === "mirrorlist.centos.org")
          : downloadServices[0];
      if (source !== undefined)
        this.wiring.toInternet(role.curl, source, this.rng.int(0, 1), trafficShapes.download);
    }
  }

  private wireHousekeeping(role: MachineRoles): void {
    const { machine } = role;
    const resolvers = resolverIps(machine.site);
    if (role.dnsClient !== undefined) {
      this.wiring.toUnmonitored(
        role.dnsClient,
        resolvers[machine.index % resolvers.length] as string,
        53,
        "udp",
        trafficShapes.dns,
      );
    }
    if (role.timeClient !== undefined)
      this.wiring.toInternet(role.timeClient, ntpService, machine.index, trafficShapes.ntp);
    if (role.exporterPort !== undefined)
      this.wiring.fromOutside(
        metricsScraperIp(machine.site),
        noFacts,
        role.exporterPort,
        trafficShapes.scrape,
      );
    if (role.sshPort !== undefined) {
      // Administrators log in from the site's two jump hosts.
      const jumpHost = `10.${machine.site.secondOctet}.200.${10 + (machine.index % 2)}`;
      this.wiring.fromOutside(jumpHost, noFacts, role.sshPort, trafficShapes.adminSsh);
    }
  }

  private wireCompromise(role: MachineRoles): void {
    const [miner, loader] = role.malware;
    const lastReported = new Date(this.window.startMs + (this.window.minutes - 7) * 60_000)
      .toISOString()
      .replace("Z", "0000Z");
    if (miner !== undefined)
      this.wiring.toInternet(
        miner,
        { ...miningPool, threat: withThreat(miningPool, lastReported) },
        0,
        trafficShapes.mining,
      );
    if (loader !== undefined)
      this.wiring.toInternet(
        loader,
        { ...c2Server, threat: withThreat(c2Server, lastReported) },
        0,
        trafficShapes.beacon,
      );
    const scanned = role.mainPort;
    if (scanned !== undefined) {
      const facts: RemoteFacts = {
        geo: botnetScanner.geo,
        dnsQuestions: [],
        dnsCanonicalNames: [],
        threat: withLastReported(botnetScanner.threat, lastReported),
      };
      this.wiring.fromOutside(botnetScanner.ip, facts, scanned, trafficShapes.scan);
      if (role.sshPort !== undefined)
        this.wiring.fromOutside(botnetScanner.ip, facts, role.sshPort, trafficShapes.scan);
    }
  }

  /** A flow to a monitored server; a few such flows break in the last hours of the window. */
  private connectWithIncidents(
    client: SimProcess,
    port: SimBoundPort | undefined,
    shape: (typeof trafficShapes)[keyof typeof trafficShapes],
  ): void {
    if (port === undefined) return;
    const options: FlowOptions = this.rng.chance(0.02)
      ? { failingFrom: this.recentFailureStart(this.rng.int(20, 360)) }
      : { flakiness: 0.002 };
    this.wiring.betweenMachines(client, port, shape, { ...options, resolvedByName: this.rng.chance(0.85) });
  }

  private connect(
    client: SimProcess,
    port: SimBoundPort | undefined,
    shape: (typeof trafficShapes)[keyof typeof trafficShapes],
  ): Flow | undefined {
    if (port === undefined) return undefined;
    return this.wiring.betweenMachines(client, port, shape, {
      resolvedByName: this.rng.chance(0.85),
      flakiness: 0.002,
    });
  }

  /** The minute a flow started failing, `minutesAgo` before the end, kept within the second half of the window. */
  private recentFailureStart(minutesAgo: number): number {
    return Math.max(Math.floor(this.window.minutes / 2), this.window.minutes - minutesAgo);
  }

  private pinned(
    applies: boolean,
    selectors: readonly ((role: MachineRoles) => boolean)[],
  ): MachineRoles[] | undefined {
    if (!applies) return undefined;
    return selectors.map((select) => {
      const found = this.roles.find(select);
      if (found === undefined) throw new Error("a fixed machine of the estate is missing");
      return found;
    });
  }

  /** Servers of a tier, preferring the client's own site. */
  private pickServers(tier: Tier, client: SimMachine, count: number, sameSiteShare: number): MachineRoles[] {
    const all = (this.byTier.get(tier) ?? []).filter((r) => r.machine !== client);
    const local = all.filter((r) => r.machine.site === client.site);
    const picked: MachineRoles[] = [];
    for (let i = 0; i < count && all.length > 0; i++) {
      const pool = local.length > 0 && this.rng.chance(sameSiteShare) ? local : all;
      const candidate = this.rng.pick(pool);
      if (!picked.includes(candidate)) picked.push(candidate);
    }
    return picked;
  }

  private workstation(server: SimMachine): string {
    const n = this.rng.int(0, this.workstationCount - 1);
    return `10.${server.site.secondOctet}.${128 + Math.floor(n / 250)}.${4 + (n % 250)}`;
  }
}

function machineOf(agentId: string): (role: MachineRoles) => boolean {
  return (role) => role.machine.agentId === agentId;
}

function computerOf(computer: string): (role: MachineRoles) => boolean {
  return (role) => role.machine.computer === computer;
}

function ipOf(ip: string): (role: MachineRoles) => boolean {
  return (role) => role.machine.ipv4 === ip;
}

function factsFor(geo: RemoteFacts["geo"]): RemoteFacts {
  return { geo, dnsQuestions: [], dnsCanonicalNames: [], threat: undefined };
}

function withThreat(service: InternetService, lastReported: string): RemoteFacts["threat"] {
  return service.threat === undefined ? undefined : withLastReported(service.threat, lastReported);
}
