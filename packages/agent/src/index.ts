export { Agent, type AgentOptions, type AgentStatus } from "./agent.js";
export { agentVersion } from "./version.js";
export { defaultSpoolBytes } from "./ship/spool.js";
