// Role icons as small SVGs, usable both as Cytoscape node backgrounds (data URIs) and as <img> in lists.

import type { ProcessRole } from "@svcmap/model";

const paths: Readonly<Record<ProcessRole, string>> = {
  // a globe
  webserver:
    '<circle cx="12" cy="12" r="9"/><path d="M3 12h18M12 3c3 3.5 3 14.5 0 18M12 3c-3 3.5-3 14.5 0 18"/>',
  // a gear-like box of services
  appserver: '<rect x="4" y="4" width="16" height="16" rx="2"/><path d="M8 9h8M8 12h8M8 15h5"/>',
  // a cylinder
  databaseserver:
    '<ellipse cx="12" cy="6" rx="7" ry="3"/><path d="M5 6v12c0 1.7 3.1 3 7 3s7-1.3 7-3V6M5 12c0 1.7 3.1 3 7 3s7-1.3 7-3"/>',
  // a person in a directory
  ldapserver: '<circle cx="12" cy="8" r="4"/><path d="M4 21c0-4.4 3.6-7 8-7s8 2.6 8 7"/>',
  // a folder
  smbserver: '<path d="M3 7v11a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V9a2 2 0 0 0-2-2h-7l-2-3H5a2 2 0 0 0-2 2z"/>',
};

export const roleNames: Readonly<Record<ProcessRole, string>> = {
  webserver: "Web server",
  appserver: "Application server",
  databaseserver: "Database server",
  ldapserver: "LDAP server",
  smbserver: "SMB file server",
};

export function roleIconUri(role: ProcessRole, color: string): string {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="24" height="24" fill="none" ` +
    `stroke="${color}" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${paths[role]}</svg>`;
  return `data:image/svg+xml;utf8,${encodeURIComponent(svg)}`;
}
