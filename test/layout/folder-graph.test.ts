/**
 * The folder-level import graph of the repository: built from every import of every source file
 * (static, dynamic, `export ... from`, type-only included: a type cycle is still a design cycle), with
 * TypeScript's own pre-processor, not a regular expression. Checks what the Architecture section of
 * docs/development.md promises: no cycle between folders, and the CDK app (lib/, bin/app.ts) reaches into
 * functions/ only through the contract and the config.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '..', '..');
const ROOTS = ['functions', 'plan', 'tools', 'lib', 'bin', 'bench', 'test'];

/** A folder of the architecture: `functions/engine`, `tools/cli`, `lib`, ...; a lone file at functions/ is its own node. */
function folderOf(path: string): string {
  const parts = path.split('/');
  if (parts[0] === 'functions' || parts[0] === 'tools') {
    return parts.length > 2 ? parts.slice(0, 2).join('/') : parts.join('/').replace(/\.[jt]s$/, '');
  }
  return parts[0]!;
}

function sourceFiles(): string[] {
  const listed = ts.sys.readDirectory(
    REPO,
    ['.ts', '.js'],
    ['**/node_modules', '**/cdk.out'],
    ROOTS.map((r) => `${r}/**/*`),
  );
  return listed.map((file) => relative(REPO, file).split('\\').join('/'));
}

interface Edge {
  from: string;
  to: string;
  /** The file and specifier that make the edge, for the failure message. */
  via: string;
}

/** Every relative import of every source file, as file → file (`.js` specifiers mapped to their `.ts` source). */
function fileEdges(): Edge[] {
  const edges: Edge[] = [];
  const files = new Set(sourceFiles());
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(join(REPO, file), 'utf8'), true, true);
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = normalize(join(dirname(file), fileName))
        .split('\\')
        .join('/');
      const source = files.has(target) ? target : target.replace(/\.js$/, '.ts');
      if (files.has(source)) edges.push({ from: file, to: source, via: `${file} → ${fileName}` });
    }
  }
  return edges;
}

function folderEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles()) {
    const info = ts.preProcessFile(readFileSync(join(REPO, file), 'utf8'), true, true);
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = normalize(join(dirname(file), fileName))
        .split('\\')
        .join('/');
      const from = folderOf(file);
      const to = folderOf(target);
      if (from !== to) edges.push({ from, to, via: `${file} → ${fileName}` });
    }
  }
  return edges;
}

/** One cycle of folders, as a path `a → b → a`, or undefined. */
function findCycle(edges: readonly Edge[]): string[] | undefined {
  const next = new Map<string, Set<string>>();
  for (const { from, to } of edges) next.set(from, (next.get(from) ?? new Set()).add(to));
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'open');
    stack.push(node);
    for (const target of next.get(node) ?? []) {
      const cycle = visit(target);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of next.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('folder-level import graph', () => {
  const edges = folderEdges();

  it('sees the imports (the graph is not empty by accident)', () => {
    expect(edges.some((e) => e.from === 'functions/runtime' && e.to === 'functions/engine')).toBe(true);
    expect(edges.some((e) => e.from === 'lib' && e.to === 'functions/contract')).toBe(true);
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    const cycle = findCycle([
      { from: 'tools/cli', to: 'tools/demo', via: '' },
      { from: 'tools/demo', to: 'tools/cli', via: '' },
    ]);
    expect(cycle).toEqual(['tools/cli', 'tools/demo', 'tools/cli']);
  });

  it('has no cycle between folders', () => {
    const cycle = findCycle(edges);
    const explain = cycle
      ?.slice(1)
      .map((to, index) => edges.find((e) => e.from === cycle[index] && e.to === to)?.via)
      .join('; ');
    expect(cycle, `import cycle between folders: ${cycle?.join(' → ')} (${explain})`).toBeUndefined();
  });

  it('has no cycle between files (a module that needs another never needs it back)', () => {
    const files = fileEdges();
    expect(files.some((e) => e.from === 'functions/config/load.ts' && e.to === 'functions/config/problems.ts')).toBe(
      true,
    );
    const cycle = findCycle(files);
    expect(cycle, `import cycle between files: ${cycle?.join(' → ')}`).toBeUndefined();
  });

  it('lets lib/ and bin/ import only the contract and the config from functions/ (and bin/ the CLI)', () => {
    const cdkApp = edges.filter((e) => (e.from === 'lib' || e.from === 'bin') && e.to.startsWith('functions'));
    const outside = cdkApp.filter((e) => !['functions/contract', 'functions/config'].includes(e.to));
    expect(outside.map((e) => e.via)).toEqual([]);
  });

  it('keeps the engine free of the runtime, the secret sources and the tools', () => {
    const engineOut = edges.filter((e) => e.from === 'functions/engine').map((e) => e.to);
    expect([...new Set(engineOut)].sort()).toEqual(['functions/config', 'functions/control-chars', 'functions/guards']);
  });

  it('keeps the plan pure: it reads the contract and the config, and nothing of functions/ reads it', () => {
    const planOut = [...new Set(edges.filter((e) => e.from === 'plan').map((e) => e.to))].sort();
    expect(planOut).toEqual(['functions/config', 'functions/contract']);
    expect(edges.filter((e) => e.from.startsWith('functions') && e.to === 'plan').map((e) => e.via)).toEqual([]);
    expect(edges.some((e) => e.from === 'lib' && e.to === 'plan')).toBe(true);
    expect(edges.some((e) => e.from === 'tools/cli' && e.to === 'plan')).toBe(true);
  });

  it('keeps functions/ free of tools/, lib/, bench/ and test/', () => {
    const shipped = edges.filter((e) => e.from.startsWith('functions') && !e.to.startsWith('functions'));
    expect(shipped.map((e) => e.via)).toEqual([]);
  });

  it('keeps the lone modules at the root of functions/ leaves', () => {
    const leaves = ['functions/guards', 'functions/control-chars', 'functions/json-errors', 'functions/near-miss'];
    expect(edges.filter((e) => leaves.includes(e.from)).map((e) => e.via)).toEqual([]);
  });
});
