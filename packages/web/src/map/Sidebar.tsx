// The left column: machines (searchable), machine groups (created, renamed, deleted here) and the estate.

import type { EstateAggregation, MachineGroupInfo, MachineListItem } from "@svcmap/model";
import { useState } from "react";
import { ApiRequestError } from "../api/client.js";
import { mapApi } from "./map-api.js";
import type { SidebarTab } from "./map-state.js";
import { roleIconUri, roleNames } from "./role-icons.js";

interface Props {
  readonly tab: SidebarTab;
  readonly onTab: (tab: SidebarTab) => void;
  readonly machines: readonly MachineListItem[] | undefined;
  readonly search: string;
  readonly onSearch: (text: string) => void;
  readonly currentMachine: string;
  readonly onOpenMachine: (machine: string) => void;
  readonly groups: readonly MachineGroupInfo[];
  readonly currentGroup: string;
  readonly onOpenGroup: (group: string) => void;
  readonly onGroupsChanged: () => void;
  readonly estateBy: EstateAggregation | undefined;
  readonly onOpenEstate: (by: EstateAggregation) => void;
}

const tabNames: Readonly<Record<SidebarTab, string>> = {
  machines: "Machines",
  groups: "Groups",
  estate: "Estate",
};

export function Sidebar(props: Props) {
  const tabs: SidebarTab[] = ["machines", "groups", "estate"];
  return (
    <aside className="map-sidebar" aria-label="Machines and groups">
      <div role="tablist" aria-label="Lists" className="tabs">
        {tabs.map((tab) => (
          <button
            key={tab}
            type="button"
            role="tab"
            id={`map-tab-${tab}`}
            aria-selected={props.tab === tab}
            aria-controls={`map-panel-${tab}`}
            tabIndex={props.tab === tab ? 0 : -1}
            onClick={() => props.onTab(tab)}
            onKeyDown={(event) => {
              const at = tabs.indexOf(props.tab);
              const next =
                event.key === "ArrowRight"
                  ? tabs[(at + 1) % tabs.length]
                  : event.key === "ArrowLeft"
                    ? tabs[(at + tabs.length - 1) % tabs.length]
                    : undefined;
              if (next !== undefined) {
                props.onTab(next);
                document.getElementById(`map-tab-${next}`)?.focus();
              }
            }}
          >
            {tabNames[tab]}
          </button>
        ))}
      </div>
      <div
        role="tabpanel"
        id={`map-panel-${props.tab}`}
        aria-labelledby={`map-tab-${props.tab}`}
        className="tab-panel"
      >
        {props.tab === "machines" && <MachineList {...props} />}
        {props.tab === "groups" && <GroupsPanel {...props} />}
        {props.tab === "estate" && <EstatePanel {...props} />}
      </div>
    </aside>
  );
}

/** The list shows this many machines at first; an estate of thousands is found by searching, not scrolling. */
const firstShown = 100;

function MachineList({ machines, search, onSearch, currentMachine, onOpenMachine }: Props) {
  const [showAll, setShowAll] = useState(false);
  const shown = machines === undefined || showAll ? machines : machines.slice(0, firstShown);
  return (
    <>
      <label className="search">
        <span className="visually-hidden">Search machines</span>
        <input
          type="search"
          placeholder="Search by name or IP"
          value={search}
          onChange={(event) => onSearch(event.target.value)}
        />
      </label>
      {machines === undefined ? (
        <p className="muted">Loading machines…</p>
      ) : machines.length === 0 ? (
        <p className="muted">No machines reported in this time range.</p>
      ) : (
        <ul className="machine-list" aria-label={`${machines.length} machines`}>
          {(shown ?? []).map((m) => (
            <li key={m.machine}>
              <button
                type="button"
                className="machine-item"
                aria-current={m.machine === currentMachine ? "true" : undefined}
                onClick={() => onOpenMachine(m.machine)}
              >
                <span className="machine-name">
                  {m.displayName}
                  {m.roles.map((role) => (
                    <img
                      key={role}
                      src={roleIconUri(role, "currentColor")}
                      alt={roleNames[role]}
                      title={roleNames[role]}
                      className="role-icon"
                    />
                  ))}
                </span>
                <span className="machine-meta">
                  {m.ipv4.join(", ")} · {m.osName || m.osFamily}
                </span>
                <span
                  className="machine-meta"
                  title="In the selected time range: processes with connections, as drawn on the machine's map, and distinct connections (direction, process, remote address, port)"
                >
                  {m.processes} connected {m.processes === 1 ? "process" : "processes"} · {m.connections}{" "}
                  {m.connections === 1 ? "connection" : "connections"} in range
                  {m.failedLinks > 0 && <span className="badge danger"> {m.failedLinks} failed links</span>}
                </span>
                {m.groups.length > 0 && (
                  <span className="machine-meta">Groups: {m.groups.map((g) => g.name).join(", ")}</span>
                )}
              </button>
            </li>
          ))}
        </ul>
      )}
      {machines !== undefined && (shown?.length ?? 0) < machines.length && (
        <button type="button" onClick={() => setShowAll(true)}>
          Show all {machines.length} machines
        </button>
      )}
    </>
  );
}

function GroupsPanel({ groups, currentGroup, onOpenGroup, onGroupsChanged, machines }: Props) {
  const [name, setName] = useState("");
  const [error, setError] = useState("");
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const names = new Map((machines ?? []).map((m) => [m.machine, m.displayName]));
  const run = async (work: () => Promise<unknown>): Promise<void> => {
    try {
      setError("");
      await work();
      onGroupsChanged();
    } catch (e) {
      setError(e instanceof ApiRequestError ? e.message : String(e));
    }
  };
  return (
    <>
      <form
        className="group-create"
        onSubmit={(event) => {
          event.preventDefault();
          void run(async () => {
            await mapApi.createGroup(name, []);
            setName("");
          });
        }}
      >
        <label>
          New group
          <input value={name} onChange={(e) => setName(e.target.value)} placeholder="Group name" />
        </label>
        <button type="submit" disabled={name.trim() === ""}>
          Create
        </button>
      </form>
      {error !== "" && (
        <p role="alert" className="error-message">
          {error}
        </p>
      )}
      {groups.length === 0 ? (
        <p className="muted">No groups yet. Create one, then add machines from a machine's summary.</p>
      ) : (
        <ul className="group-list">
          {groups.map((g) => (
            <li key={g.id} aria-current={g.id === currentGroup ? "true" : undefined}>
              {renaming?.id === g.id ? (
                <form
                  onSubmit={(event) => {
                    event.preventDefault();
                    void run(async () => {
                      await mapApi.renameGroup(g.id, renaming.name);
                      setRenaming(null);
                    });
                  }}
                >
                  <label>
                    <span className="visually-hidden">New name of {g.name}</span>
                    <input
                      value={renaming.name}
                      onChange={(e) => setRenaming({ id: g.id, name: e.target.value })}
                    />
                  </label>
                  <button type="submit">Save</button>
                  <button type="button" onClick={() => setRenaming(null)}>
                    Cancel
                  </button>
                </form>
              ) : (
                <div className="group-row">
                  <button type="button" className="link-button" onClick={() => onOpenGroup(g.id)}>
                    {g.name}
                  </button>
                  <span className="muted">
                    {" "}
                    {g.machines.length} machine{g.machines.length === 1 ? "" : "s"}
                  </span>
                  <button
                    type="button"
                    className="small"
                    onClick={() => setRenaming({ id: g.id, name: g.name })}
                    aria-label={`Rename ${g.name}`}
                  >
                    Rename
                  </button>
                  <button
                    type="button"
                    className="small"
                    aria-label={`Delete ${g.name}`}
                    onClick={() => {
                      if (window.confirm(`Delete the group ${g.name}?`)) {
                        void run(async () => mapApi.deleteGroup(g.id));
                      }
                    }}
                  >
                    Delete
                  </button>
                </div>
              )}
              {g.id === currentGroup && (
                <ul className="group-members">
                  {g.machines.map((m) => (
                    <li key={m}>
                      {names.get(m) ?? m}{" "}
                      <button
                        type="button"
                        className="small"
                        aria-label={`Remove ${names.get(m) ?? m} from ${g.name}`}
                        onClick={() => void run(async () => mapApi.removeFromGroup(g.id, m))}
                      >
                        Remove
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function EstatePanel({ estateBy, onOpenEstate }: Props) {
  const options: { by: EstateAggregation; label: string }[] = [
    { by: "site", label: "By site (DNS domain)" },
    { by: "subnet", label: "By subnet (/24)" },
    { by: "group", label: "By machine group" },
  ];
  return (
    <>
      <p className="muted">
        The whole estate, aggregated so that it stays readable at any size. Open an aggregate to see its
        machines.
      </p>
      <ul className="estate-options">
        {options.map((o) => (
          <li key={o.by}>
            <button
              type="button"
              aria-current={estateBy === o.by ? "true" : undefined}
              onClick={() => onOpenEstate(o.by)}
            >
              {o.label}
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
