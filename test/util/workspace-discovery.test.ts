// Workspace discovery: the nearest .git or .office.config.json below the home folder; a stray .office/ in the home
// folder or in / never captures the folders below; neither becomes a workspace by discovery.
import { describe, expect, it } from 'vitest';
import { discoverWorkspace } from '../../src/util/workspace.js';

/** A fake tree: the paths that exist. */
function tree(...paths: string[]) {
  const set = new Set(paths);
  return { home: '/home/me', exists: (p: string) => set.has(p) };
}

describe('discoverWorkspace', () => {
  const cases: [string, string, ReturnType<typeof tree>, ReturnType<typeof discoverWorkspace>][] = [
    [
      'the nearest .git',
      '/home/me/shop/src/deep',
      tree('/home/me/shop/.git'),
      { type: 'found', root: '/home/me/shop', marker: '.git' },
    ],
    [
      'a stray .office/ in the home folder is ignored',
      '/home/me/shop/src',
      tree('/home/me/.office'),
      { type: 'start', root: '/home/me/shop/src' },
    ],
    ['a stray .office/ in / is ignored', '/srv/app', tree('/.office'), { type: 'start', root: '/srv/app' }],
    [
      'a .git in the home folder (a dotfiles repository) is not a project root',
      '/home/me/notes',
      tree('/home/me/.git'),
      { type: 'start', root: '/home/me/notes' },
    ],
    [
      '.git wins over a nearer stray .office/',
      '/home/me/shop/sub/deeper',
      tree('/home/me/shop/.git', '/home/me/shop/sub/.office'),
      { type: 'found', root: '/home/me/shop', marker: '.git' },
    ],
    [
      '.office.config.json is a project root too, the nearest wins',
      '/home/me/mono/pkg/a',
      tree('/home/me/mono/.git', '/home/me/mono/pkg/.office.config.json'),
      { type: 'found', root: '/home/me/mono/pkg', marker: '.office.config.json' },
    ],
    [
      'with no project marker, the nearest .office/ below the home folder',
      '/home/me/scratch/src',
      tree('/home/me/scratch/.office'),
      { type: 'found', root: '/home/me/scratch', marker: '.office' },
    ],
  ];
  it.each(cases)('%s', (_label, start, bounds, expected) => {
    expect(discoverWorkspace(start, bounds)).toEqual(expected);
  });

  it('refuses the home folder and / themselves, saying what to do', () => {
    const home = discoverWorkspace('/home/me', tree('/home/me/.git', '/home/me/.office'));
    expect(home).toMatchObject({ type: 'refused', root: '/home/me' });
    if (home.type === 'refused') {
      expect(home.reason).toContain('your home folder (/home/me)');
      expect(home.reason).toContain('--dir');
    }
    expect(discoverWorkspace('/', tree('/.office'))).toMatchObject({ type: 'refused', root: '/' });
  });
});
