import { assertValidTrunk, pjsipTrunkObjects } from './trunk-spec';
import { sofiaGatewayXml } from './freeswitch/sofia-gateway';
import type { PbxTrunk } from './pbx.port';

const trunk: PbxTrunk = {
  name: 'carrier-a',
  host: 'sip.carrier.example',
  port: 5060,
  transport: 'udp',
  username: 'acct1',
  password: 'pw-123',
  fromDomain: 'carrier.example',
  fromUser: null,
  codecs: ['g722', 'ulaw'],
};

describe('trunk objects for the PBX', () => {
  it('Asterisk: auth, AOR, then the endpoint naming them, with the codecs in order', () => {
    const objects = pjsipTrunkObjects(trunk);
    expect(objects.map((o) => `${o.type}/${o.id}`)).toEqual([
      'auth/carrier-a-auth',
      'aor/carrier-a',
      'endpoint/carrier-a',
    ]);
    const field = (type: string, name: string) =>
      objects.find((o) => o.type === type)?.fields.find((f) => f.attribute === name)?.value;
    expect(field('aor', 'contact')).toBe('sip:sip.carrier.example:5060');
    expect(field('endpoint', 'allow')).toBe('g722,ulaw');
    expect(field('endpoint', 'outbound_auth')).toBe('carrier-a-auth');
    expect(field('endpoint', 'transport')).toBe('transport-udp');
    expect(field('endpoint', 'send_connected_line')).toBe('no');
    const disallow = objects[2].fields.findIndex((f) => f.attribute === 'disallow');
    const allow = objects[2].fields.findIndex((f) => f.attribute === 'allow');
    expect(disallow).toBeLessThan(allow);
  });

  it('Asterisk: no credentials, no auth object; TCP goes in the contact', () => {
    const objects = pjsipTrunkObjects({
      ...trunk,
      username: null,
      password: null,
      transport: 'tcp',
      port: 5070,
    });
    expect(objects.map((o) => o.type)).toEqual(['aor', 'endpoint']);
    expect(objects[0].fields[0].value).toBe('sip:sip.carrier.example:5070;transport=tcp');
    expect(objects[1].fields.find((f) => f.attribute === 'outbound_auth')?.value).toBe('');
  });

  it.each([
    [{ host: 'evil.example;transport=tcp' }, /host/],
    [{ name: 'a b' }, /name/],
    [{ port: 70000 }, /port/],
    [{ password: 'has space' }, /password/],
    [{ fromUser: 'a b' }, /from-user/],
    [{ codecs: [] }, /codec/],
  ])('refuses %j', (patch, message) => {
    expect(() => assertValidTrunk({ ...trunk, ...patch } as PbxTrunk)).toThrow(message);
  });

  it('never puts the password in an error message', () => {
    try {
      assertValidTrunk({ ...trunk, password: 'secret value' });
      throw new Error('expected a refusal');
    } catch (error) {
      expect(String(error)).not.toContain('secret value');
    }
  });

  it('FreeSWITCH: a sofia gateway with escaped values and FreeSWITCH codec names', () => {
    const xml = sofiaGatewayXml({ ...trunk, username: 'a&b' });
    expect(xml).toContain('<gateway name="carrier-a">');
    expect(xml).toContain('<param name="proxy" value="sip.carrier.example:5060"/>');
    expect(xml).toContain('<param name="username" value="a&amp;b"/>');
    expect(xml).toContain('<param name="from-domain" value="carrier.example"/>');
    expect(xml).toContain('value="G722,PCMU" direction="outbound"');
  });
});
