import { createHash } from 'node:crypto';

/**
 * k6's group/check tree (`lib.Group`), rebuilt from the samples themselves: every sample carries
 * its `group` tag (`''`, `::a`, `::a::b`, `::setup`), and every `checks` sample its `check` tag, so
 * groups appear in the order they were first entered and checks in the order first run — the
 * same order k6 keeps in `OrderedGroups` / `OrderedChecks`. IDs are k6's: md5 hex of the path.
 *
 * Limitation: with the `group` system tag disabled, every check is attributed to the root group.
 */
export interface CheckNode {
  readonly name: string;
  readonly path: string;
  readonly id: string;
  passes: number;
  fails: number;
}

export interface GroupNode {
  readonly name: string;
  readonly path: string;
  readonly id: string;
  readonly groups: GroupNode[];
  readonly checks: CheckNode[];
}

export function k6Id(path: string): string {
  return createHash('md5').update(path).digest('hex');
}

export class GroupTree {
  readonly root: GroupNode = newGroup('', '');
  private readonly byPath = new Map<string, GroupNode>([['', this.root]]);
  private readonly checks = new Map<string, CheckNode>();

  /** The group at `path` (`::a::b`), creating it and its ancestors in order. */
  group(path: string): GroupNode {
    const found = this.byPath.get(path);
    if (found) return found;
    const cut = path.lastIndexOf('::');
    const parent = this.group(cut > 0 ? path.slice(0, cut) : '');
    const g = newGroup(path.slice(cut + 2), path);
    parent.groups.push(g);
    this.byPath.set(path, g);
    return g;
  }

  /** Every group path, in the order first entered (the root `''` first). */
  paths(): string[] {
    return [...this.byPath.keys()];
  }

  recordCheck(groupPath: string, name: string, passed: boolean): void {
    const c = this.check(groupPath, name);
    if (passed) c.passes++;
    else c.fails++;
  }

  /** Every check of the tree, in the order each was first run (whatever its group). */
  checksInOrder(): readonly CheckNode[] {
    return [...this.checks.values()];
  }

  /** The check `name` of the group at `groupPath`, created (in first-run order) if new. */
  check(groupPath: string, name: string): CheckNode {
    const path = `${groupPath}::${name}`;
    let c = this.checks.get(path);
    if (!c) {
      c = { name, path, id: k6Id(path), passes: 0, fails: 0 };
      this.group(groupPath).checks.push(c);
      this.checks.set(path, c);
    }
    return c;
  }
}

function newGroup(name: string, path: string): GroupNode {
  return { name, path, id: k6Id(path), groups: [], checks: [] };
}
