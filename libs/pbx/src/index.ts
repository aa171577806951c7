export * from './pbx.port';
export * from './dial-string';
export * from './asterisk/ari.adapter';
export * from './freeswitch/esl.adapter';
export * from './pbx-connection';
