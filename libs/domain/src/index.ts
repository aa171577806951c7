// The pure domain: no NestJS, TypeORM, ARI or pg imports (enforced by ESLint).
// Each area appends its own export line(s) below.
export * from './clock';
export * from './call-result/hangup-cause';
export * from './phone/phone-number';
export * from './outcome/call-outcome';
export * from './outcome/outcome.rules';
export * from './queue/queue.policy';
export * from './calling-hours/us-time-zones.table';
export * from './calling-hours/calling-hours.rules';
export * from './birthday/birthday.rules';
export * from './dial-session/dial-session.types';
export * from './dial-session/dial-session.machine';
export * from './metering/leg-charge.policy';
export * from './metering/credit.policy';
export * from './metering/cost-report.calculator';
export * from './reports/call-report.calculator';
export * from './reports/csv';
export * from './dnc/dnc.rules';
export * from './trunks/trunk-line.policy';
export * from './trunks/trunk-rules';
export * from './trunks/trunk-health';
export * from './caller-id/caller-id-verification.machine';
export * from './voicemail/voicemail-recording.machine';
export * from './voicemail/voicemail-audio';
export * from './dashboard/dashboard.rules';
