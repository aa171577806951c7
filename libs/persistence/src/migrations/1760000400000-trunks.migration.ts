import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Trunks managed in the product (issue 6, SPEC §7): one row per SIP trunk of the install, the
 * lines each call holds on it (the limiter's truth, shared by every orchestrator instance), and
 * the trunk each call attempt went out on (for health).
 *
 * `provisioning`: `managed` trunks are pushed to the PBX by the engine; `static` ones are
 * defined in the PBX's own files (asterisk/etc/pjsip.conf: the simulated `voter-trunk`) and
 * only their limits and caller-ID rules are applied here.
 */
export class Trunks1760000400000 implements MigrationInterface {
  name = 'Trunks1760000400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
CREATE TABLE trunks (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9_-]{1,64}$'),
  provisioning text NOT NULL DEFAULT 'managed' CHECK (provisioning IN ('managed', 'static')),
  sip_host text CHECK (sip_host IS NULL OR sip_host ~ '^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$'),
  sip_port integer NOT NULL DEFAULT 5060 CHECK (sip_port BETWEEN 1 AND 65535),
  transport text NOT NULL DEFAULT 'udp' CHECK (transport IN ('udp', 'tcp', 'tls')),
  username text,
  -- Write-only through the API: never returned, never logged.
  password text,
  from_domain text,
  from_user text,
  allowed_caller_ids text[] NOT NULL DEFAULT '{}',
  default_caller_id text CHECK (default_caller_id IS NULL OR default_caller_id ~ '^\\+[1-9][0-9]{6,14}$'),
  caller_id_format text NOT NULL DEFAULT 'e164' CHECK (caller_id_format IN ('e164', 'e164-no-plus', 'nanp10')),
  dial_format text NOT NULL DEFAULT 'e164' CHECK (dial_format IN ('e164', 'e164-no-plus', 'nanp10')),
  dial_prefix text NOT NULL DEFAULT '' CHECK (dial_prefix ~ '^[0-9*#]{0,10}$'),
  max_concurrent_calls integer NOT NULL DEFAULT 30 CHECK (max_concurrent_calls BETWEEN 1 AND 100000),
  max_calls_per_second numeric(8,2) NOT NULL DEFAULT 5 CHECK (max_calls_per_second > 0 AND max_calls_per_second <= 10000),
  codecs text[] NOT NULL DEFAULT '{ulaw,alaw}' CHECK (cardinality(codecs) >= 1),
  enabled boolean NOT NULL DEFAULT true,
  -- The calls-per-second limiter's next free send slot (see libs/domain trunk-line.policy).
  next_send_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (provisioning = 'static' OR sip_host IS NOT NULL)
);

-- A line held on a trunk by one call leg, from the limiter's grant until the leg ends.
CREATE TABLE trunk_lines (
  leg_id text PRIMARY KEY,
  trunk_id uuid NOT NULL REFERENCES trunks(id) ON DELETE CASCADE,
  -- The orchestrator instance (its ARI application) that placed the call; it frees its lines
  -- when it restarts or when its PBX says the call is gone.
  holder text NOT NULL,
  acquired_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  send_at timestamptz NOT NULL
);
CREATE INDEX trunk_lines_trunk_idx ON trunk_lines (trunk_id, acquired_at);
CREATE INDEX trunk_lines_holder_idx ON trunk_lines (holder);

ALTER TABLE call_attempts ADD COLUMN trunk_id uuid REFERENCES trunks(id) ON DELETE SET NULL;
CREATE INDEX call_attempts_trunk_idx ON call_attempts (trunk_id, dial_started_at) WHERE trunk_id IS NOT NULL;

-- The simulated voter trunk of asterisk/etc/pjsip.conf (SIPp on 127.0.0.1:5070) is the default
-- trunk; its limits are generous so tests and the demo are never throttled by accident.
INSERT INTO trunks (name, provisioning, sip_host, sip_port, max_concurrent_calls, max_calls_per_second, codecs)
VALUES ('voter-trunk', 'static', '127.0.0.1', 5070, 1000, 200, '{ulaw,alaw}');
-- Any other trunk a project already names was defined by hand in the PBX's files.
INSERT INTO trunks (name, provisioning, max_concurrent_calls, max_calls_per_second)
SELECT DISTINCT trunk, 'static', 1000, 200 FROM projects WHERE trunk IS NOT NULL
ON CONFLICT (name) DO NOTHING;
ALTER TABLE projects ADD CONSTRAINT projects_trunk_fkey FOREIGN KEY (trunk) REFERENCES trunks(name) ON UPDATE CASCADE;
`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
ALTER TABLE projects DROP CONSTRAINT projects_trunk_fkey;
DROP INDEX call_attempts_trunk_idx;
ALTER TABLE call_attempts DROP COLUMN trunk_id;
DROP TABLE trunk_lines;
DROP TABLE trunks;
`);
  }
}
