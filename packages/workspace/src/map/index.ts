export { kqlDatetime, kqlString, kqlStringList } from "./kql-literal.js";
export { MachineGroupError, MachineGroupStore, type MachineGroup } from "./machine-groups.js";
export { defaultMapTimespan, mapApiPlugin, type MapApiContext } from "./map-routes.js";
