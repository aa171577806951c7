import { EslPbxAdapter } from '@phonebank/pbx';
import { startVoterTrunk } from '../support/sipp';
import { describePbxPortContract, type PbxPortContractOptions } from './pbx-port.contract';

/**
 * The PBX port contract against a real FreeSWITCH (ESL), run only when FREESWITCH_ESL_URL
 * points at one (see freeswitch/README.md for the configuration it needs). FreeSWITCH is in
 * no Debian suite, so on the development machines this file reports itself as skipped:
 * "not run", never "passed".
 *
 *   FREESWITCH_ESL_URL=esl://:ClueCon@127.0.0.1:8021   the event socket
 *   FREESWITCH_VOTER_TRUNK=voter-trunk                  the sofia gateway to the voters
 *   FREESWITCH_VOTERS=external                          someone else plays the voters (same
 *                                                       number classes); no local SIPp
 */
const url = process.env.FREESWITCH_ESL_URL?.trim();

const options: PbxPortContractOptions = {
  trunk: process.env.FREESWITCH_VOTER_TRUNK ?? 'voter-trunk',
  connectTimeoutMs: 20_000,
  startVoters: async () => {
    if (process.env.FREESWITCH_VOTERS === 'external') return { stop: async () => undefined };
    const sipp = await startVoterTrunk(120_000);
    return { invites: () => sipp.received('INVITE').map((m) => m.firstLine), stop: () => sipp.stop() };
  },
};

const makePort = () => new EslPbxAdapter({ url: () => url ?? '' });

if (url) {
  describePbxPortContract('FreeSWITCH (ESL)', makePort, options);
} else {
  describe.skip('FreeSWITCH PbxPort contract: not run: FREESWITCH_ESL_URL is not set', () => {
    describePbxPortContract('FreeSWITCH (ESL)', makePort, options);
  });
}
