// Who may reach `office mcp --http` on loopback: a pure check of the Host and Origin headers.
import { describe, expect, it } from 'vitest';
import { isLoopbackHost, loopbackRefusal } from '../../src/mcp/http.js';

describe('loopbackRefusal', () => {
  it('lets through loopback hosts with any port, and loopback or absent origins', () => {
    for (const host of ['127.0.0.1:4000', 'localhost:4000', '[::1]:4000', '127.0.0.2', 'localhost']) {
      expect(loopbackRefusal({ host }), host).toBeNull();
    }
    expect(loopbackRefusal({ host: 'localhost:1', origin: 'http://localhost:5173' })).toBeNull();
    expect(loopbackRefusal({ host: 'localhost:1', origin: 'null' })).toBeNull();
  });

  it('refuses another host name (DNS rebinding), a foreign origin, or no Host at all, saying which', () => {
    expect(loopbackRefusal({ host: 'evil.example:4000' })).toBe(
      'Host evil.example:4000 is not a loopback name',
    );
    expect(loopbackRefusal({ host: '127.0.0.1.evil.example' })).toContain('is not a loopback name');
    expect(loopbackRefusal({ host: 'localhost:4000', origin: 'https://evil.example' })).toBe(
      'Origin https://evil.example is not a loopback origin',
    );
    expect(loopbackRefusal({})).toBe('Host (none) is not a loopback name');
  });

  it('knows the loopback addresses a server may listen on', () => {
    expect(['127.0.0.1', 'localhost', '::1', '127.1.2.3'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '192.168.1.2', 'example.com'].some(isLoopbackHost)).toBe(false);
  });
});
