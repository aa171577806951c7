import type { HangupCause } from '@phonebank/domain';

/**
 * FreeSWITCH names every hangup cause (`Hangup-Cause: USER_BUSY`). The names up to
 * INTERWORKING are Q.850 causes under FreeSWITCH's spelling (switch_channel.c CAUSE_CHART);
 * the rest are FreeSWITCH's own (500 and up), which FreeSWITCH itself reports to Q.850 as
 * plain 16. Here each of those gets the Q.850 cause that means the same thing for a phone
 * bank, so `classifyCallEnd` sorts a SIP 600/603/604 or a dead gateway the way it sorts the
 * same outcome from Asterisk. The FreeSWITCH name is always kept as the cause text.
 */
export const FREESWITCH_CAUSE_TO_Q850: Readonly<Record<string, number>> = {
  UNSPECIFIED: 0,
  UNALLOCATED_NUMBER: 1,
  NO_ROUTE_TRANSIT_NET: 2,
  NO_ROUTE_DESTINATION: 3,
  CHANNEL_UNACCEPTABLE: 6,
  CALL_AWARDED_DELIVERED: 7,
  NORMAL_CLEARING: 16,
  USER_BUSY: 17,
  NO_USER_RESPONSE: 18,
  NO_ANSWER: 19,
  SUBSCRIBER_ABSENT: 20,
  CALL_REJECTED: 21,
  NUMBER_CHANGED: 22,
  REDIRECTION_TO_NEW_DESTINATION: 23,
  EXCHANGE_ROUTING_ERROR: 25,
  DESTINATION_OUT_OF_ORDER: 27,
  INVALID_NUMBER_FORMAT: 28,
  FACILITY_REJECTED: 29,
  RESPONSE_TO_STATUS_ENQUIRY: 30,
  NORMAL_UNSPECIFIED: 31,
  NORMAL_CIRCUIT_CONGESTION: 34,
  NETWORK_OUT_OF_ORDER: 38,
  NORMAL_TEMPORARY_FAILURE: 41,
  SWITCH_CONGESTION: 42,
  ACCESS_INFO_DISCARDED: 43,
  REQUESTED_CHAN_UNAVAIL: 44,
  PRE_EMPTED: 45,
  FACILITY_NOT_SUBSCRIBED: 50,
  OUTGOING_CALL_BARRED: 52,
  INCOMING_CALL_BARRED: 54,
  BEARERCAPABILITY_NOTAUTH: 57,
  BEARERCAPABILITY_NOTAVAIL: 58,
  SERVICE_UNAVAILABLE: 63,
  BEARERCAPABILITY_NOTIMPL: 65,
  CHAN_NOT_IMPLEMENTED: 66,
  FACILITY_NOT_IMPLEMENTED: 69,
  SERVICE_NOT_IMPLEMENTED: 79,
  INVALID_CALL_REFERENCE: 81,
  INCOMPATIBLE_DESTINATION: 88,
  INVALID_MSG_UNSPECIFIED: 95,
  MANDATORY_IE_MISSING: 96,
  MESSAGE_TYPE_NONEXIST: 97,
  WRONG_MESSAGE: 98,
  IE_NONEXIST: 99,
  INVALID_IE_CONTENTS: 100,
  WRONG_CALL_STATE: 101,
  RECOVERY_ON_TIMER_EXPIRE: 102,
  MANDATORY_IE_LENGTH_ERROR: 103,
  PROTOCOL_ERROR: 111,
  INTERWORKING: 127,
  // FreeSWITCH's own causes, given the Q.850 cause with the same meaning here.
  SUCCESS: 16,
  ORIGINATOR_CANCEL: 16, // we (or the caller) hung up before answer: 487 Request Terminated
  LOSE_RACE: 16,
  MANAGER_REQUEST: 16, // uuid_kill / hupall
  BLIND_TRANSFER: 16,
  ATTENDED_TRANSFER: 16,
  PICKED_OFF: 16,
  BOWOUT: 16,
  SYSTEM_SHUTDOWN: 41,
  CRASH: 41,
  ALLOTTED_TIMEOUT: 19, // originate_timeout ran out while ringing
  PROGRESS_TIMEOUT: 102,
  MEDIA_TIMEOUT: 41, // RTP stopped arriving
  USER_CHALLENGE: 41, // the trunk wants credentials the gateway lacks
  USER_NOT_REGISTERED: 20,
  NO_PICKUP: 19,
  SRTP_READ_ERROR: 41,
  INVALID_GATEWAY: 41, // our configuration, not the voter's number
  GATEWAY_DOWN: 38,
  INVALID_URL: 41,
  INVALID_PROFILE: 41,
  BUSY_EVERYWHERE: 17, // SIP 600
  DECLINE: 21, // SIP 603
  DOES_NOT_EXIST_ANYWHERE: 1, // SIP 604
  NOT_ACCEPTABLE: 58, // SIP 606
  UNWANTED: 21, // SIP 607
  REJECT_ALL: 21, // SIP 608
  NO_IDENTITY: 21,
  BAD_IDENTITY_INFO: 21,
  UNSUPPORTED_CERTIFICATE: 21,
  INVALID_IDENTITY: 21,
  STALE_DATE: 21,
};

/**
 * The port's hangup cause from what FreeSWITCH reported: the cause name first (the table
 * above), else its numeric `hangup_cause_q850` when it sent one, else 0 (unknown).
 */
export function freeswitchHangupCause(name: string | undefined, q850?: string | number): HangupCause {
  const text = (name ?? '').trim().toUpperCase();
  const known = FREESWITCH_CAUSE_TO_Q850[text];
  if (known !== undefined) return { q850: known, text };
  const numeric = typeof q850 === 'number' ? q850 : Number.parseInt(q850 ?? '', 10);
  const code = Number.isInteger(numeric) && numeric >= 0 && numeric <= 127 ? numeric : 0;
  return { q850: code, text };
}
