export * from './pbx.port';
export * from './dial-string';
export * from './media';
export * from './asterisk/ari.adapter';
export * from './freeswitch/esl.adapter';
export * from './pbx-connection';
export * from './trunk-spec';
