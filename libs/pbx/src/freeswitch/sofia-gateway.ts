import { assertValidTrunk } from '../trunk-spec';
import type { PbxTrunk } from '../pbx.port';

/** FreeSWITCH's names for the product's codecs (libs/domain KNOWN_CODECS). */
export const FREESWITCH_CODECS: Readonly<Record<string, string>> = {
  ulaw: 'PCMU',
  alaw: 'PCMA',
  g722: 'G722',
  g729: 'G729',
  opus: 'opus',
  gsm: 'GSM',
  ilbc: 'iLBC',
  speex: 'speex',
  g726: 'G726-32',
};

function xmlAttr(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/'/g, '&apos;');
}

/**
 * A sofia gateway for an outbound trunk (the include file the external profile loads from its
 * gateway directory; the adapter writes it and asks sofia to rescan). Same behaviour as the
 * Asterisk trunk: no registration, digest credentials when set, caller ID in From, the trunk's
 * codecs in order for outbound calls, calls from the trunk to `phonebank-from-trunk`.
 */
export function sofiaGatewayXml(input: PbxTrunk): string {
  const trunk = assertValidTrunk(input);
  const transport = trunk.transport === 'udp' ? '' : `;transport=${trunk.transport}`;
  const codecs = trunk.codecs.map((c) => FREESWITCH_CODECS[c] ?? c).join(',');
  const params: [string, string][] = [
    ['proxy', `${trunk.host}:${trunk.port}${transport}`],
    ['register', 'false'],
    ['register-transport', trunk.transport],
    // sofia wants credentials on every gateway; unused while nothing challenges.
    ['username', trunk.username ?? 'phonebank'],
    ['password', trunk.password ?? 'unused'],
    ['caller-id-in-from', 'true'],
    ['ping', '0'],
    ['context', 'phonebank-from-trunk'],
  ];
  if (trunk.fromUser) params.push(['from-user', trunk.fromUser]);
  if (trunk.fromDomain) params.push(['from-domain', trunk.fromDomain]);
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<!-- Written by the phone bank engine (trunks managed in the product); do not edit by hand. -->',
    '<include>',
    `  <gateway name="${xmlAttr(trunk.name)}">`,
    ...params.map(([k, v]) => `    <param name="${k}" value="${xmlAttr(v)}"/>`),
    '    <variables>',
    `      <variable name="absolute_codec_string" value="${xmlAttr(codecs)}" direction="outbound"/>`,
    '    </variables>',
    '  </gateway>',
    '</include>',
    '',
  ].join('\n');
}
