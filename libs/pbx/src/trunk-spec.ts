import { isTrunkName } from './dial-string';
import { PbxError, type PbxTrunk } from './pbx.port';

const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;
const SIP_USER = /^[A-Za-z0-9_.!~*'()&=+$,;?/%-]{1,64}$/;
const CODEC = /^[a-z0-9]{2,16}$/;

/**
 * Check a trunk before it goes to any PBX: every value ends up in PBX configuration, so each is
 * held to a narrow character set (the API validated them already; this is the adapters' guard).
 * Messages never include the password.
 */
export function assertValidTrunk(trunk: PbxTrunk): PbxTrunk {
  const bad = (what: string) =>
    new PbxError('invalid-request', `trunk ${JSON.stringify(trunk.name)}: ${what}`);
  if (!isTrunkName(trunk.name)) throw bad('the name may hold letters, digits, - and _ (1 to 64)');
  if (!HOST.test(trunk.host)) throw bad('the SIP host must be a host name or an IPv4 address');
  if (!Number.isInteger(trunk.port) || trunk.port < 1 || trunk.port > 65535)
    throw bad('the port must be 1–65535');
  if (!['udp', 'tcp', 'tls'].includes(trunk.transport)) throw bad('the transport must be udp, tcp or tls');
  if (trunk.username !== null && !SIP_USER.test(trunk.username))
    throw bad('the username has characters SIP does not allow');
  if (
    trunk.password !== null &&
    (trunk.password.length < 1 || trunk.password.length > 128 || /[\s"'<>&]/.test(trunk.password))
  ) {
    throw bad('the password must be 1–128 characters without spaces, quotes, <, > or &');
  }
  if (trunk.fromUser !== null && !SIP_USER.test(trunk.fromUser))
    throw bad('the from-user has characters SIP does not allow');
  if (trunk.fromDomain !== null && !HOST.test(trunk.fromDomain))
    throw bad('the from-domain must be a host name');
  if (trunk.codecs.length === 0 || !trunk.codecs.every((c) => CODEC.test(c)))
    throw bad('the codec list is not valid');
  return trunk;
}

/** One sorcery object to push (ARI `PUT /asterisk/config/dynamic/res_pjsip/{type}/{id}`). */
export interface PjsipObject {
  type: 'endpoint' | 'aor' | 'auth';
  id: string;
  fields: { attribute: string; value: string }[];
}

/** The auth object's id for a trunk (the endpoint and AOR share the trunk's name). */
export const pjsipAuthId = (name: string): string => `${name}-auth`;

/**
 * The res_pjsip objects of an outbound trunk, in the order they must be created (auth and AOR
 * before the endpoint that names them). Calls from the trunk land in `phonebank-from-trunk`,
 * as the static voter trunk's do; the caller ID goes out in From and P-Asserted-Identity; no
 * connected-line updates ever (the voter must not learn the volunteer's number).
 */
export function pjsipTrunkObjects(input: PbxTrunk): PjsipObject[] {
  const trunk = assertValidTrunk(input);
  const objects: PjsipObject[] = [];
  const auth = trunk.username !== null && trunk.password !== null;
  if (auth) {
    objects.push({
      type: 'auth',
      id: pjsipAuthId(trunk.name),
      fields: [
        { attribute: 'auth_type', value: 'userpass' },
        { attribute: 'username', value: trunk.username! },
        { attribute: 'password', value: trunk.password! },
      ],
    });
  }
  const transportParam = trunk.transport === 'udp' ? '' : `;transport=${trunk.transport}`;
  const scheme = trunk.transport === 'tls' ? 'sips' : 'sip';
  objects.push({
    type: 'aor',
    id: trunk.name,
    fields: [
      { attribute: 'contact', value: `${scheme}:${trunk.host}:${trunk.port}${transportParam}` },
      { attribute: 'qualify_frequency', value: '0' },
    ],
  });
  objects.push({
    type: 'endpoint',
    id: trunk.name,
    fields: [
      { attribute: 'transport', value: `transport-${trunk.transport}` },
      { attribute: 'context', value: 'phonebank-from-trunk' },
      { attribute: 'disallow', value: 'all' },
      { attribute: 'allow', value: trunk.codecs.join(',') },
      { attribute: 'aors', value: trunk.name },
      { attribute: 'outbound_auth', value: auth ? pjsipAuthId(trunk.name) : '' },
      { attribute: 'from_user', value: trunk.fromUser ?? '' },
      { attribute: 'from_domain', value: trunk.fromDomain ?? '' },
      { attribute: 'direct_media', value: 'no' },
      { attribute: 'force_rport', value: 'yes' },
      { attribute: 'rewrite_contact', value: 'yes' },
      { attribute: 'rtp_symmetric', value: 'no' },
      { attribute: 'dtmf_mode', value: 'rfc4733' },
      { attribute: 'send_pai', value: 'yes' },
      { attribute: 'trust_id_outbound', value: 'yes' },
      { attribute: 'send_connected_line', value: 'no' },
      { attribute: 'trust_connected_line', value: 'no' },
    ],
  });
  return objects;
}
