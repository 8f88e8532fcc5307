-- certdesk hall schema, version 1 (docs/hall.md). Applied once, in one transaction, by
-- hall::migrate() or scripts/hall-server; schema_version names what is applied.
-- The record tables (entries, receipts, day_closes, hall_closes, contacts) only grow:
-- BEFORE UPDATE/DELETE and TRUNCATE triggers refuse any change, and the counters'
-- role is granted SELECT and INSERT on them and nothing else.
CREATE SCHEMA IF NOT EXISTS hall;

CREATE TABLE hall.schema_version (
  version integer PRIMARY KEY,
  applied_utc timestamptz NOT NULL DEFAULT now()
);

-- Group roles (cluster-wide, so created only when absent). A counter's login role is
-- a member of certdesk_counter; a head office reader of certdesk_office.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'certdesk_counter') THEN
    CREATE ROLE certdesk_counter NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'certdesk_office') THEN
    CREATE ROLE certdesk_office NOLOGIN;
  END IF;
END $$;

CREATE TABLE hall.branches (
  id serial PRIMARY KEY,
  code text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9_-]{1,16}$'),
  created_utc timestamptz NOT NULL DEFAULT now()
);

-- One row per counter. fingerprint is the workstation key the counter registered at
-- join; db_role the login role it joined with (only that role may extend its chain).
CREATE TABLE hall.workstations (
  id serial PRIMARY KEY,
  branch_id integer NOT NULL REFERENCES hall.branches(id),
  code text NOT NULL CHECK (code ~ '^[A-Za-z0-9_-]{1,16}$'),
  fingerprint text NOT NULL CHECK (length(fingerprint) BETWEEN 16 AND 128),
  db_role name NOT NULL,
  joined_utc timestamptz NOT NULL DEFAULT now(),
  UNIQUE (branch_id, code)
);

-- The 32-byte SHA-256 hex of 64 zeros' place: the chain's start (db/journal.h).
CREATE FUNCTION hall.zero_hash() RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT repeat('0', 64) $$;

-- canonical_bytes(e), version 1, exactly as db::Journal::canonical_bytes writes it.
-- STABLE, not IMMUTABLE, and not STRICT, because convert_to() is STABLE: only then does
-- the planner inline these into the trigger's expression (20x faster than calling them).
CREATE FUNCTION hall.ct(t text) RETURNS bytea LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT '\x73'::bytea || int4send(octet_length(convert_to(t, 'UTF8'))) || convert_to(t, 'UTF8') $$;
CREATE FUNCTION hall.ci(i bigint) RETURNS bytea LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT CASE WHEN i IS NULL THEN '\x6e'::bytea ELSE '\x69'::bytea || int8send(i) END $$;

CREATE FUNCTION hall.canonical(seq bigint, utc_time text, business_day text, workstation text, staff text,
                               action text, order_id bigint, organisation text, token_serial text,
                               cert_serial text, amount_fen bigint, receipt_no text, outcome text,
                               details text, flow text)
  RETURNS bytea LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT convert_to('certdesk-journal-v1', 'UTF8') || '\x00'::bytea || hall.ci(seq) || hall.ct(utc_time)
         || hall.ct(business_day) || hall.ct(workstation) || hall.ct(staff) || hall.ct(action) || hall.ci(order_id)
         || hall.ct(organisation) || hall.ct(token_serial) || hall.ct(cert_serial) || hall.ci(amount_fen)
         || hall.ct(receipt_no) || hall.ct(outcome) || hall.ct(details) || hall.ct(flow)
$$;

CREATE FUNCTION hall.chain_hash(prev_hash text, canonical bytea) RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT encode(sha256(convert_to(prev_hash, 'UTF8') || canonical), 'hex') $$;

-- Journal entries as shipped: the canonical bytes the workstation hashed plus the
-- decoded columns the reports read. branch_id and received_utc are set by the server.
CREATE TABLE hall.entries (
  workstation_id integer NOT NULL REFERENCES hall.workstations(id),
  seq bigint NOT NULL CHECK (seq >= 1),
  branch_id integer NOT NULL,
  utc_time text NOT NULL,
  business_day text NOT NULL,
  workstation text NOT NULL,
  staff text NOT NULL,
  action text NOT NULL,
  order_id bigint,
  organisation text NOT NULL,
  token_serial text NOT NULL,
  cert_serial text NOT NULL,
  amount_fen bigint,
  receipt_no text NOT NULL,
  outcome text NOT NULL,
  details text NOT NULL,
  flow text NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  canonical bytea NOT NULL,
  received_utc timestamptz NOT NULL DEFAULT now(),
  -- 0 for an exception (outcome other than 0000), 1 otherwise: exceptions first in the review.
  review_rank smallint GENERATED ALWAYS AS (CASE WHEN outcome = '0000' THEN 1 ELSE 0 END) STORED,
  PRIMARY KEY (workstation_id, seq)
);
-- The hall's day for the supervisor, exceptions first, in pages (keyset on the index order).
CREATE INDEX entries_review ON hall.entries (branch_id, business_day, review_rank, utc_time, workstation_id, seq);

-- Per counter and business day totals, kept by a statement trigger (the review's
-- totals read 1 row per counter instead of the whole day). verify_all recomputes them.
CREATE TABLE hall.day_totals (
  workstation_id integer NOT NULL REFERENCES hall.workstations(id),
  business_day text NOT NULL,
  branch_id integer NOT NULL,
  entry_count bigint NOT NULL DEFAULT 0,
  exception_count bigint NOT NULL DEFAULT 0,
  amount_fen bigint NOT NULL DEFAULT 0,
  first_utc text NOT NULL,
  last_utc text NOT NULL,
  PRIMARY KEY (workstation_id, business_day)
);
CREATE INDEX day_totals_branch ON hall.day_totals (branch_id, business_day);

-- Every shipment: the counter's clock and the server's, for "late" and "clock behind".
CREATE TABLE hall.contacts (
  id bigserial PRIMARY KEY,
  workstation_id integer NOT NULL REFERENCES hall.workstations(id),
  client_utc timestamptz NOT NULL,
  server_utc timestamptz NOT NULL DEFAULT now(),
  shipped bigint NOT NULL DEFAULT 0
);
CREATE INDEX contacts_last ON hall.contacts (workstation_id, server_utc DESC);

CREATE TABLE hall.receipts (
  workstation_id integer NOT NULL,
  receipt_no text NOT NULL UNIQUE,     -- unique across the hall and the head office
  seq bigint NOT NULL,                 -- the journal entry that recorded the payment
  method text NOT NULL,
  amount_fen bigint NOT NULL,
  received_utc timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workstation_id, receipt_no),
  FOREIGN KEY (workstation_id, seq) REFERENCES hall.entries(workstation_id, seq)
);

-- A counter's signed day close (db/day_close.h), pinned to an entry already shipped.
CREATE TABLE hall.day_closes (
  workstation_id integer NOT NULL,
  business_day text NOT NULL,
  closed_utc text NOT NULL,
  closed_by text NOT NULL,
  entry_count bigint NOT NULL,
  first_seq bigint,
  last_seq bigint,
  head_seq bigint NOT NULL,
  head_hash text NOT NULL,
  fee_total_fen bigint NOT NULL,
  statement text NOT NULL,
  statement_sha256 text NOT NULL,
  signature bytea NOT NULL,
  signer_kind text NOT NULL,
  signer_cert bytea NOT NULL,
  received_utc timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workstation_id, business_day)
);

-- The supervisor's hall day close, chained per branch: each names the previous close's hash.
CREATE TABLE hall.hall_closes (
  branch_id integer NOT NULL REFERENCES hall.branches(id),
  seq bigint NOT NULL CHECK (seq >= 1),
  business_day text NOT NULL,
  closed_utc text NOT NULL,
  closed_by text NOT NULL,
  statement text NOT NULL,          -- names every counter's signed head of the day
  signature bytea NOT NULL,
  signer_cert bytea NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  received_utc timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (branch_id, seq),
  UNIQUE (branch_id, business_day)
);

CREATE FUNCTION hall.hall_close_hash(c hall.hall_closes) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT hall.chain_hash(c.prev_hash, convert_to('certdesk-hall-close-v1', 'UTF8') || '\x00'::bytea
         || hall.ci(c.branch_id) || hall.ci(c.seq) || hall.ct(c.business_day) || hall.ct(c.closed_utc)
         || hall.ct(c.closed_by) || hall.ct(c.statement) || hall.ci(length(c.signature)) || c.signature
         || hall.ci(length(c.signer_cert)) || c.signer_cert)
$$;

-- Errors raised by the triggers carry SQLSTATEs of class CD (hall/hall.cpp maps them):
--   CDG01 gap  CDC01 conflict  CDL01 link  CDH01 hash  CDB01 bytes  CDR01 refused
--   CDW01 workstation code taken  CDW02 not this role's workstation
CREATE FUNCTION hall.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'CDR01',
    MESSAGE = format('%s on hall.%s refused: the hall record only grows', TG_OP, TG_TABLE_NAME);
END $$;

-- Accepts an entry only where it extends the chain the server holds for that
-- workstation: the next seq, prev_hash = the last stored hash, bytes = the columns'
-- canonical encoding, hash = SHA-256 recomputed here. The same seq with the same
-- hash again is a duplicate and skipped (RETURN NULL); with another hash a conflict.
CREATE FUNCTION hall.entries_accept() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ws record;
  last_seq bigint;
  last_hash text;
  stored text;
BEGIN
  -- One lookup per row: the workstation and the head of its chain.
  SELECT w.branch_id, w.db_role, h.seq, h.hash INTO ws FROM hall.workstations w
    LEFT JOIN LATERAL (SELECT e.seq, e.hash FROM hall.entries e WHERE e.workstation_id = w.id
                        ORDER BY e.seq DESC LIMIT 1) h ON true
   WHERE w.id = NEW.workstation_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION USING ERRCODE = 'CDW02', MESSAGE = format('workstation %s is not registered', NEW.workstation_id);
  END IF;
  IF ws.db_role <> session_user AND NOT pg_has_role(session_user, ws.db_role, 'MEMBER') THEN
    RAISE EXCEPTION USING ERRCODE = 'CDW02',
      MESSAGE = format('role %s may not extend the chain of workstation %s', session_user, NEW.workstation_id);
  END IF;
  last_seq := ws.seq;
  last_hash := ws.hash;
  IF last_seq IS NULL THEN
    last_seq := 0;
    last_hash := hall.zero_hash();
  END IF;
  IF NEW.seq <= last_seq THEN
    SELECT e.hash INTO stored FROM hall.entries e WHERE e.workstation_id = NEW.workstation_id AND e.seq = NEW.seq;
    IF stored = NEW.hash THEN
      RETURN NULL;
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'CDC01',
      MESSAGE = format('entry %s differs from the one the hall holds', NEW.seq);
  END IF;
  IF NEW.seq <> last_seq + 1 THEN
    RAISE EXCEPTION USING ERRCODE = 'CDG01',
      MESSAGE = format('entry %s would leave a gap: the hall holds up to %s', NEW.seq, last_seq);
  END IF;
  IF NEW.prev_hash <> last_hash THEN
    RAISE EXCEPTION USING ERRCODE = 'CDL01',
      MESSAGE = format('entry %s does not link to entry %s the hall holds', NEW.seq, last_seq);
  END IF;
  IF NEW.canonical <> hall.canonical(NEW.seq, NEW.utc_time, NEW.business_day, NEW.workstation, NEW.staff,
                                     NEW.action, NEW.order_id, NEW.organisation, NEW.token_serial, NEW.cert_serial,
                                     NEW.amount_fen, NEW.receipt_no, NEW.outcome, NEW.details, NEW.flow) THEN
    RAISE EXCEPTION USING ERRCODE = 'CDB01',
      MESSAGE = format('entry %s: its bytes do not match its columns', NEW.seq);
  END IF;
  IF NEW.hash <> hall.chain_hash(NEW.prev_hash, NEW.canonical) THEN
    RAISE EXCEPTION USING ERRCODE = 'CDH01', MESSAGE = format('entry %s does not match its hash', NEW.seq);
  END IF;
  NEW.branch_id := ws.branch_id;
  NEW.received_utc := now();
  RETURN NEW;
END $$;

-- SECURITY DEFINER: the counters' role has no UPDATE on day_totals; only this moves it.
CREATE FUNCTION hall.entries_totals() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, hall AS $$
BEGIN
  INSERT INTO hall.day_totals AS t (workstation_id, business_day, branch_id, entry_count, exception_count,
                                    amount_fen, first_utc, last_utc)
  SELECT n.workstation_id, n.business_day, min(n.branch_id), count(*), count(*) FILTER (WHERE n.outcome <> '0000'),
         coalesce(sum(n.amount_fen), 0), min(n.utc_time), max(n.utc_time)
    FROM inserted n GROUP BY n.workstation_id, n.business_day
  ON CONFLICT (workstation_id, business_day) DO UPDATE
    SET entry_count = t.entry_count + excluded.entry_count,
        exception_count = t.exception_count + excluded.exception_count,
        amount_fen = t.amount_fen + excluded.amount_fen,
        first_utc = least(t.first_utc, excluded.first_utc),
        last_utc = greatest(t.last_utc, excluded.last_utc);
  RETURN NULL;
END $$;

CREATE FUNCTION hall.receipts_accept() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  e record;
BEGIN
  SELECT x.receipt_no, x.amount_fen INTO e FROM hall.entries x
   WHERE x.workstation_id = NEW.workstation_id AND x.seq = NEW.seq;
  IF NOT FOUND OR e.receipt_no <> NEW.receipt_no OR e.amount_fen IS DISTINCT FROM NEW.amount_fen THEN
    RAISE EXCEPTION USING ERRCODE = 'CDB01',
      MESSAGE = format('receipt %s does not match journal entry %s the hall holds', NEW.receipt_no, NEW.seq);
  END IF;
  NEW.received_utc := now();
  RETURN NEW;
END $$;

CREATE FUNCTION hall.day_closes_accept() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  h text;
BEGIN
  IF NEW.statement_sha256 <> encode(sha256(convert_to(NEW.statement, 'UTF8')), 'hex') THEN
    RAISE EXCEPTION USING ERRCODE = 'CDH01',
      MESSAGE = format('day close %s does not match its statement hash', NEW.business_day);
  END IF;
  IF NEW.head_seq = 0 THEN
    h := hall.zero_hash();
  ELSE
    SELECT x.hash INTO h FROM hall.entries x WHERE x.workstation_id = NEW.workstation_id AND x.seq = NEW.head_seq;
  END IF;
  IF h IS NULL OR h <> NEW.head_hash THEN
    RAISE EXCEPTION USING ERRCODE = 'CDL01',
      MESSAGE = format('day close %s names head %s, which the hall does not hold', NEW.business_day, NEW.head_seq);
  END IF;
  NEW.received_utc := now();
  RETURN NEW;
END $$;

CREATE FUNCTION hall.hall_closes_accept() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  last_seq bigint;
  last_hash text;
BEGIN
  SELECT c.seq, c.hash INTO last_seq, last_hash FROM hall.hall_closes c
   WHERE c.branch_id = NEW.branch_id ORDER BY c.seq DESC LIMIT 1;
  IF last_seq IS NULL THEN
    last_seq := 0;
    last_hash := hall.zero_hash();
  END IF;
  IF NEW.seq <> last_seq + 1 THEN
    RAISE EXCEPTION USING ERRCODE = 'CDG01',
      MESSAGE = format('hall close %s would not follow close %s', NEW.seq, last_seq);
  END IF;
  IF NEW.prev_hash <> last_hash THEN
    RAISE EXCEPTION USING ERRCODE = 'CDL01',
      MESSAGE = format('hall close %s does not name the previous close', NEW.seq);
  END IF;
  NEW.hash := hall.hall_close_hash(NEW);
  NEW.received_utc := now();
  RETURN NEW;
END $$;

CREATE FUNCTION hall.contacts_accept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.server_utc := now();
  RETURN NEW;
END $$;

CREATE TRIGGER entries_accept BEFORE INSERT ON hall.entries FOR EACH ROW EXECUTE FUNCTION hall.entries_accept();
CREATE TRIGGER entries_totals AFTER INSERT ON hall.entries REFERENCING NEW TABLE AS inserted
  FOR EACH STATEMENT EXECUTE FUNCTION hall.entries_totals();
CREATE TRIGGER receipts_accept BEFORE INSERT ON hall.receipts FOR EACH ROW EXECUTE FUNCTION hall.receipts_accept();
CREATE TRIGGER day_closes_accept BEFORE INSERT ON hall.day_closes FOR EACH ROW EXECUTE FUNCTION hall.day_closes_accept();
CREATE TRIGGER hall_closes_accept BEFORE INSERT ON hall.hall_closes FOR EACH ROW EXECUTE FUNCTION hall.hall_closes_accept();
CREATE TRIGGER contacts_accept BEFORE INSERT ON hall.contacts FOR EACH ROW EXECUTE FUNCTION hall.contacts_accept();
DO $$
DECLARE
  t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['entries', 'receipts', 'day_closes', 'hall_closes', 'contacts', 'workstations', 'branches']
  LOOP
    EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON hall.%I FOR EACH ROW EXECUTE FUNCTION hall.refuse_change()',
                   t || '_no_change', t);
    EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON hall.%I FOR EACH STATEMENT EXECUTE FUNCTION hall.refuse_change()',
                   t || '_no_truncate', t);
  END LOOP;
END $$;
CREATE TRIGGER day_totals_no_truncate BEFORE TRUNCATE ON hall.day_totals
  FOR EACH STATEMENT EXECUTE FUNCTION hall.refuse_change();

-- Joining a counter: registers (branch, code) with its workstation key, or confirms a
-- rejoin with the same key. Another key for a code in use is refused (CDW01).
CREATE FUNCTION hall.join_workstation(p_branch text, p_code text, p_fingerprint text) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, hall AS $$
DECLARE
  b integer;
  w record;
BEGIN
  INSERT INTO hall.branches (code) VALUES (p_branch) ON CONFLICT (code) DO NOTHING;
  SELECT id INTO b FROM hall.branches WHERE code = p_branch;
  SELECT id, fingerprint, db_role INTO w FROM hall.workstations WHERE branch_id = b AND code = p_code;
  IF FOUND THEN
    IF w.fingerprint <> p_fingerprint THEN
      RAISE EXCEPTION USING ERRCODE = 'CDW01',
        MESSAGE = format('workstation code %s of branch %s is already used by another counter', p_code, p_branch);
    END IF;
    RETURN w.id;
  END IF;
  INSERT INTO hall.workstations (branch_id, code, fingerprint, db_role) VALUES (b, p_code, p_fingerprint, session_user)
    RETURNING id INTO b;
  RETURN b;
END $$;

REVOKE ALL ON ALL TABLES IN SCHEMA hall FROM PUBLIC;
REVOKE ALL ON FUNCTION hall.join_workstation(text, text, text) FROM PUBLIC;
GRANT USAGE ON SCHEMA hall TO certdesk_counter, certdesk_office;
GRANT SELECT ON ALL TABLES IN SCHEMA hall TO certdesk_counter, certdesk_office;
GRANT INSERT ON hall.entries, hall.receipts, hall.day_closes, hall.hall_closes, hall.contacts TO certdesk_counter;
GRANT USAGE ON SEQUENCE hall.contacts_id_seq TO certdesk_counter;
GRANT EXECUTE ON FUNCTION hall.join_workstation(text, text, text) TO certdesk_counter;

INSERT INTO hall.schema_version (version) VALUES (1);
