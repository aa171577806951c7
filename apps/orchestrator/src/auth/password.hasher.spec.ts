import { PasswordHasher } from './password.hasher';

describe('PasswordHasher (scrypt)', () => {
  const hasher = new PasswordHasher();

  it('stores a salted, self-describing scrypt hash and verifies only the right password', async () => {
    const a = await hasher.hash('correct horse battery staple');
    const b = await hasher.hash('correct horse battery staple');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    await expect(hasher.verify('correct horse battery staple', a)).resolves.toBe(true);
    await expect(hasher.verify('correct horse battery stapler', a)).resolves.toBe(false);
  });

  it('refuses unknown users and malformed hashes without throwing', async () => {
    await expect(hasher.verify('anything at all', null)).resolves.toBe(false);
    await expect(hasher.verify('anything at all', 'md5$abc')).resolves.toBe(false);
    await expect(hasher.verify('anything at all', 'scrypt$99999999$8$1$AAAA$AAAA')).resolves.toBe(false);
  });
});
