// The fake ToolService: the MCP servers of db.toolServers, saved, deleted,
// turned on and off as Go does; Test leads to db.toolTests (else ready), and
// values of variables and headers are only noted as set, never kept.
import type { Services } from '../bound';
import type { mcp } from '../../../wailsjs/go/models';
import type { FakeParts } from './parts';

export function fakeToolService({ fake }: FakeParts): Services['ToolService'] {
  const { db } = fake;
  let next = db.toolServers.length + 1;
  const find = (id: string) => {
    const s = db.toolServers.find((x) => x.id === id);
    if (!s) throw new Error('store: tool server ' + id + ': not found');
    return s;
  };
  return {
    async Servers() {
      return structuredClone(db.toolServers);
    },
    async Save(ts, envValues, headerValues) {
      if (!ts.name.trim()) throw new Error('store: invalid: a tool server needs a name');
      if (ts.kind === 'stdio' && !ts.command.trim()) throw new Error('store: invalid: a command-line tool server needs a command');
      if (ts.kind === 'http' && !/^https?:\/\/./.test(ts.url.trim())) throw new Error(`store: invalid: the tool server's URL "${ts.url}" must be an http:// or https:// URL`);
      const before = ts.id ? find(ts.id) : null;
      const keep = (names: string[], set: string[] | undefined, values: Record<string, string>) =>
        names.filter((n) => n in values || set?.includes(n));
      const view: mcp.ServerView = {
        ...structuredClone(ts),
        name: ts.name.trim(),
        id: ts.id || `ts-${next++}`,
        state: 'stopped',
        reason: '',
        stderr: [],
        tools: before && before.command === ts.command && before.url === ts.url ? before.tools : [],
        envSet: keep(ts.envNames, before?.envSet, envValues),
        headersSet: keep(ts.headerNames, before?.headersSet, headerValues),
      };
      db.toolServers = before ? db.toolServers.map((x) => (x.id === view.id ? view : x)) : [...db.toolServers, view];
      return structuredClone(view);
    },
    async Delete(id) {
      find(id);
      db.toolServers = db.toolServers.filter((x) => x.id !== id);
    },
    async SetEnabled(id, enabled) {
      const s = find(id);
      s.enabled = enabled;
      if (!enabled && s.state !== 'failed') s.state = 'stopped';
    },
    async Test(id) {
      const s = find(id);
      Object.assign(s, { state: 'ready', reason: '', stderr: [] }, structuredClone(db.toolTests[id] ?? {}));
      return structuredClone(s);
    },
    async SetAlwaysAllowed(serverId, tool, allowed) {
      const s = find(serverId);
      const t = s.tools.find((x) => x.name === tool);
      if (t) t.alwaysAllowed = allowed;
    },
  };
}
