// Who is calling, and may they? A request presents an API key as a bearer token (what the Azure SDKs send)
// or in x-api-key. A server on a loopback address with no keys at all lets every local caller in; once any
// key exists, every request needs one, loopback or not, so creating the first key is what turns security on.

import type { IncomingHttpHeaders } from "node:http";
import type { onRequestHookHandler } from "fastify";
import { authenticationMissing, insufficientAccess, invalidKey } from "./api-error.js";
import { roleAllows, type ApiKeyInfo, type ApiKeyStore, type Permission } from "./api-keys.js";

export type Principal = { readonly kind: "anonymous" } | { readonly kind: "key"; readonly key: ApiKeyInfo };

declare module "fastify" {
  interface FastifyContextConfig {
    /** What a caller must be allowed to do to use the route; routes without one are open (health checks). */
    permission?: Permission;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

const verbs: Readonly<Record<Permission, string>> = {
  query: "run queries",
  ingest: "send data",
  configure: "change what the workspace keeps (machine groups, saved queries, functions, workbooks)",
};

export class Authenticator {
  constructor(
    private readonly keys: ApiKeyStore,
    /** Only a loopback server may ever admit a caller without a key. */
    private readonly anonymousAllowed: boolean,
  ) {}

  async authenticate(headers: IncomingHttpHeaders): Promise<Principal> {
    if (!(await this.keys.hasActiveKeys()) && this.anonymousAllowed) return { kind: "anonymous" };
    const presented = presentedKey(headers);
    if (presented === undefined) throw authenticationMissing();
    const key = await this.keys.verify(presented);
    if (key === undefined) throw invalidKey();
    return { kind: "key", key };
  }

  authorize(principal: Principal, permission: Permission): void {
    if (principal.kind === "key" && !roleAllows(principal.key.role, permission)) {
      throw insufficientAccess(principal.key.role, verbs[permission]);
    }
  }

  /** The Fastify hook that guards every route declaring `config.permission`. */
  hook(): onRequestHookHandler {
    return async (request) => {
      const permission = request.routeOptions.config.permission;
      if (permission === undefined) return;
      const principal = await this.authenticate(request.headers);
      this.authorize(principal, permission);
      request.principal = principal;
    };
  }
}

function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization?.trim();
  const bearer = authorization === undefined ? undefined : /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
  if (bearer !== undefined) return bearer;
  const header = headers["x-api-key"];
  const apiKey = (Array.isArray(header) ? header[0] : header)?.trim();
  return apiKey === undefined || apiKey === "" ? undefined : apiKey;
}
