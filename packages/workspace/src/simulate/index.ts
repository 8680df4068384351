export {
  buildEstate,
  maximumMachines as maximumSimulatedMachines,
  type EstateOptions,
} from "./build-estate.js";
export {
  minimumMachines as minimumSimulatedMachines,
  namedEntities as simulatedNamedEntities,
} from "./estate-plan.js";
export type {
  Estate as SimulatedEstate,
  Flow as SimFlow,
  SimBoundPort,
  SimMachine,
  SimProcess,
  SimulationWindow,
  Tier as SimTier,
} from "./estate-model.js";
export { simulationSeed } from "./simulation-seed.js";
export {
  countStoredRows,
  simulateIntoStore,
  writeEstate,
  type SimulateOptions,
  type SimulationSummary,
  type TableWritten,
} from "./write-estate.js";
