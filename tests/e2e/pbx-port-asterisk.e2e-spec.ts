import { AriPbxAdapter } from '@phonebank/pbx';
import { ariSettings } from '../support/local-asterisk';
import { startVoterTrunk } from '../support/sipp';
import { describePbxPortContract } from './pbx-port.contract';

/** The PBX port contract against the real local Asterisk (ARI), SIPp playing the voters. */
describePbxPortContract(
  'Asterisk (ARI)',
  () => {
    const ari = ariSettings();
    // An app name of its own, so an orchestrator or another test connected as "phonebank"
    // neither replaces this connection nor receives these calls' events.
    const app = `${ari.app}-contract-${process.pid}`;
    return new AriPbxAdapter({ url: ari.url, user: ari.user, password: () => ari.password, app });
  },
  {
    trunk: 'voter-trunk',
    startVoters: async () => {
      // Only one voter trunk can bind its port; wait (bounded) if another test run holds it.
      const sipp = await startVoterTrunk(120_000);
      return {
        invites: () => sipp.received('INVITE').map((m) => m.firstLine),
        stop: () => sipp.stop(),
      };
    },
  },
);
