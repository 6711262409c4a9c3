// Where the code cache goes, decided from the workspace found for a tree (a pure function of what that folder is).
import { describe, expect, it } from 'vitest';
import { codeCacheDir, userCacheDir } from '../../src/code/cache.js';

describe('codeCacheDir', () => {
  const user = '/home/me/.cache/office';
  it('is the workspace .office when the folder is a workspace office can write', () => {
    expect(codeCacheDir({ workspace: '/w', marked: true, writable: true }, user)).toBe(
      '/w/.office/cache/code',
    );
  });
  it('is per user for a tree that is no workspace, or one office cannot write', () => {
    expect(codeCacheDir({ workspace: '/t', marked: false, writable: true }, user)).toBe(`${user}/code`);
    expect(codeCacheDir({ workspace: '/ro', marked: true, writable: false }, user)).toBe(`${user}/code`);
  });
});

describe('userCacheDir', () => {
  it('follows XDG_CACHE_HOME, else ~/.cache', () => {
    expect(userCacheDir({ XDG_CACHE_HOME: '/x' }, '/home/me')).toBe('/x/office');
    expect(userCacheDir({}, '/home/me')).toBe('/home/me/.cache/office');
    // The XDG spec ignores a relative value.
    expect(userCacheDir({ XDG_CACHE_HOME: 'rel' }, '/home/me')).toBe('/home/me/.cache/office');
  });
});
