export * from './entities';
export * from './sql';
export * from './data-source';
export * from './embedded-database';
export * from './campaigns/calling-zones.repository';
export * from './campaigns/campaigns.repository';
export * from './campaigns/projects.repository';
export * from './queue/claim-context';
export * from './queue/claim-phone.query';
export * from './queue/apply-outcome.command';
export * from './targeting/targeting.query';
export * from './import/voter-import.command';

export * from './power-dial/dial-sessions.repository';
export * from './accounts/accounts.repository';
