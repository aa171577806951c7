import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of the engine (served at /metrics). */
@Injectable()
export class PowerDialMetrics {
  readonly registry = new Registry();
  readonly outcomes = new Counter({
    name: 'phonebank_call_outcomes_total',
    help: 'Calls by outcome and by what decided it (Q.850 cause, no-answer timer, volunteer click)',
    labelNames: ['outcome', 'cause'] as const,
    registers: [this.registry],
  });
  readonly clickToOriginate = new Histogram({
    name: 'phonebank_click_to_invite_seconds',
    help: 'From the "Call" request to Asterisk accepting the originate (the INVITE leaves)',
    buckets: [0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });
  readonly clickStages = new Histogram({
    name: 'phonebank_click_stage_seconds',
    help: 'Where click-to-INVITE goes: waiting for the session (wait), the queue claim (claim), the trunk line (line), the ARI originate (originate)',
    labelNames: ['stage'] as const,
    buckets: [0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });
  readonly answerToBridge = new Histogram({
    name: 'phonebank_answer_to_bridge_seconds',
    help: 'From the voter answering to the voter being in the volunteer bridge',
    buckets: [0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });
  readonly channelsInUse = new Gauge({
    name: 'phonebank_voter_channels',
    help: 'Voter legs in progress',
    registers: [this.registry],
  });
  readonly volunteerLegs = new Gauge({
    name: 'phonebank_volunteer_legs',
    help: 'Volunteer persistent legs connected',
    registers: [this.registry],
  });
  readonly sessionsInUse = new Gauge({
    name: 'phonebank_dial_sessions',
    help: 'Dial sessions running on this orchestrator',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'phonebank_process_' });
  }
}
