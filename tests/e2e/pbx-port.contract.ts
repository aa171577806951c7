import { randomUUID } from 'node:crypto';
import { PbxError, type OriginateRequest, type PbxEvent, type PbxPort } from '@phonebank/pbx';
import { eventually } from '../support/eventually';

/** Whatever plays the voters behind the trunk (the SIPp voter trunk, tests/sipp/voter-trunk.xml). */
export interface VoterTrunk {
  /** Request lines of the INVITEs it has received so far, when it can tell. */
  invites?(): string[];
  stop(): Promise<void>;
}

export interface PbxPortContractOptions {
  /** The trunk (Asterisk endpoint / FreeSWITCH gateway) that reaches the voter trunk. */
  trunk: string;
  /** Start the voters; called once, after the port is connected. */
  startVoters: () => Promise<VoterTrunk>;
  callerId?: string;
  connectTimeoutMs?: number;
}

type LegEvent = Exclude<PbxEvent, { type: 'connected' | 'disconnected' }>;

/** Voters by number class (see the header of tests/sipp/voter-trunk.xml). */
const ANSWERS_AND_STAYS = '+12025550109';
const BUSY = '+12025550131';
const NOT_FOUND = '+12025550151';

/**
 * The behaviour every PbxPort adapter must show, run against a real media server with SIPp
 * playing the voters. The same tests prove the Asterisk adapter here and the FreeSWITCH
 * adapter wherever a FreeSWITCH is reachable.
 */
export function describePbxPortContract(
  name: string,
  makePort: () => PbxPort,
  options: PbxPortContractOptions,
): void {
  describe(`PbxPort contract: ${name}`, () => {
    let port: PbxPort;
    let voters: VoterTrunk | undefined;
    const events: PbxEvent[] = [];
    const placed = new Set<string>();
    const callerId = options.callerId ?? '+15557654321';

    beforeAll(async () => {
      port = makePort();
      port.onEvent((e) => events.push(e));
      await port.start();
      await eventually(
        'the adapter to connect',
        () => port.isConnected(),
        options.connectTimeoutMs ?? 15_000,
      );
      voters = await options.startVoters();
    });

    afterAll(async () => {
      for (const legId of placed) await port?.hangup(legId).catch(() => undefined);
      await voters?.stop();
      await port?.stop();
    });

    const ofLeg = (legId: string) => events.filter((e): e is LegEvent => 'legId' in e && e.legId === legId);
    const typesOf = (legId: string) => ofLeg(legId).map((e) => e.type);
    const endOf = (legId: string) =>
      events.find(
        (e): e is Extract<PbxEvent, { type: 'leg-ended' }> => e.type === 'leg-ended' && e.legId === legId,
      );
    const invitesTo = (number: string) =>
      voters?.invites ? voters.invites().filter((l) => l.includes(number)).length : undefined;

    const call = async (number: string, extra: Partial<OriginateRequest> = {}): Promise<string> => {
      const legId = randomUUID();
      placed.add(legId);
      await port.originate({
        legId,
        trunk: options.trunk,
        number,
        callerId,
        ringTimeoutSeconds: 30,
        ...extra,
      });
      return legId;
    };
    const answeredCall = async (): Promise<string> => {
      const legId = await call(ANSWERS_AND_STAYS);
      await eventually('the voter to answer', () => typesOf(legId).includes('leg-answered'), 15_000);
      return legId;
    };
    const hangUpAndWait = async (legId: string) => {
      await port.hangup(legId);
      return eventually('the leg to end', () => endOf(legId), 10_000);
    };

    it('connects and says so with a connected event', () => {
      expect(port.isConnected()).toBe(true);
      expect(events.find((e) => e.type === 'connected')).toMatchObject({
        type: 'connected',
        reconnected: false,
      });
    });

    it('a voter who answers: leg-ringing, then leg-answered; hanging up gives leg-ended (Q.850 16)', async () => {
      const legId = await call(ANSWERS_AND_STAYS);
      await eventually('the voter to answer', () => typesOf(legId).includes('leg-answered'), 15_000);
      const types = typesOf(legId);
      expect(types).toContain('leg-ringing');
      expect(types.indexOf('leg-ringing')).toBeLessThan(types.indexOf('leg-answered'));
      expect(types.filter((t) => t === 'leg-answered')).toHaveLength(1);
      expect(types).not.toContain('leg-ended');

      const end = await hangUpAndWait(legId);
      expect(end.cause.q850).toBe(16);
      expect(types.filter((t) => t === 'leg-ringing')).toHaveLength(1);
    });

    it('a busy voter (486) gives leg-ended with Q.850 17 and never leg-answered', async () => {
      const legId = await call(BUSY);
      const end = await eventually('the busy call to end', () => endOf(legId), 15_000);
      expect(end.cause.q850).toBe(17);
      expect(typesOf(legId)).not.toContain('leg-answered');
    });

    it('an unknown number (404) gives leg-ended with Q.850 1', async () => {
      const legId = await call(NOT_FOUND);
      const end = await eventually('the failed call to end', () => endOf(legId), 15_000);
      expect(end.cause.q850).toBe(1);
      expect(typesOf(legId)).not.toContain('leg-answered');
    });

    it('a mixing bridge: created, an answered leg added and removed (still up), destroyed', async () => {
      const legId = await answeredCall();
      const bridgeId = `contract-${randomUUID()}`;
      await port.createBridge(bridgeId);
      await port.addToBridge(bridgeId, legId);
      await port.removeFromBridge(bridgeId, legId);
      await port.addToBridge(bridgeId, legId);
      await port.destroyBridge(bridgeId);
      // Taking a leg out of a bridge, or destroying the bridge, never hangs the leg up.
      expect((await port.listOwned()).legIds).toContain(legId);
      expect(endOf(legId)).toBeUndefined();
      await port.destroyBridge(bridgeId); // already gone: not an error
      await hangUpAndWait(legId);
    });

    it('playing sound:beep to an answered leg gives playback-finished', async () => {
      const legId = await answeredCall();
      const playbackId = `contract-${randomUUID()}`;
      await port.play(legId, 'sound:beep', playbackId);
      const finished = await eventually(
        'the beep to finish',
        () => events.find((e) => e.type === 'playback-finished' && e.playbackId === playbackId),
        10_000,
      );
      expect(finished).toMatchObject({ playbackId, legId });
      expect(endOf(legId)).toBeUndefined();
      await hangUpAndWait(legId);
    });

    it('hanging up a leg that does not exist resolves', async () => {
      await expect(port.hangup(randomUUID())).resolves.toBeUndefined();
    });

    it.each([
      ['no plus', '12025550109'],
      ['letters', '+1202555010x'],
      ['dial-string syntax', '+12025550109&PJSIP/6001'],
      ['FreeSWITCH syntax', '+12025550109 &park()'],
      ['a second number', '+12025550109,+12025550110'],
    ])(
      'an invalid number (%s) is refused with PbxError invalid-request before anything is sent',
      async (_what, number) => {
        const before = invitesTo('+1202555010');
        const legId = randomUUID();
        const refused = await port
          .originate({ legId, trunk: options.trunk, number, callerId, ringTimeoutSeconds: 30 })
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(refused).toBeInstanceOf(PbxError);
        expect((refused as PbxError).code).toBe('invalid-request');

        // A good call placed after it is the only new INVITE the voters see, and the refused
        // leg never produced an event: nothing was sent for it.
        const good = await answeredCall();
        if (before !== undefined) expect(invitesTo('+1202555010')).toBe(before + 1);
        expect(ofLeg(legId)).toEqual([]);
        await hangUpAndWait(good);
      },
    );

    it('listOwned includes a live leg, and not once it has ended', async () => {
      const legId = await answeredCall();
      expect((await port.listOwned()).legIds).toContain(legId);
      await hangUpAndWait(legId);
      await eventually(
        'the ended leg to leave listOwned',
        async () => !(await port.listOwned()).legIds.includes(legId),
      );
    });
  });
}
