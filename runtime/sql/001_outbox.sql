-- Courier schema v1: append-only outbox, per-hook streams and cursors, leases.
-- Applied by runtime/migrator inside one transaction under an advisory lock.

CREATE TABLE courier.settings (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  -- Cluster-wide partition count; fixed at first use. A node configured otherwise refuses to start.
  partitions int NOT NULL CHECK (partitions BETWEEN 1 AND 65536),
  -- Events per outbox table partition (the unit of rotation).
  events_per_partition bigint NOT NULL DEFAULT 1000000 CHECK (events_per_partition >= 1000),
  max_payload_bytes int NOT NULL DEFAULT 1048576
);

-- The partition count, fixing the default (256) when no node has started yet.
CREATE FUNCTION courier.partition_count() RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
  n int;
BEGIN
  SELECT partitions INTO n FROM courier.settings;
  IF n IS NULL THEN
    INSERT INTO courier.settings (partitions) VALUES (256) ON CONFLICT DO NOTHING;
    SELECT partitions INTO n FROM courier.settings;
  END IF;
  RETURN n;
END
$$;

CREATE TABLE courier.hooks (
  id bigserial PRIMARY KEY,
  url text NOT NULL,
  -- Active signing secrets, newest first; more than one during rotation.
  secrets text[] NOT NULL CHECK (cardinality(secrets) BETWEEN 1 AND 4),
  event_types text[] NOT NULL DEFAULT '{*}',
  -- active: delivering; paused: accumulating, not delivering (operator);
  -- disabled: neither (410 Gone from the subscriber, or an operator).
  state text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'paused', 'disabled')),
  partition int NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  disabled_reason text
);
CREATE INDEX hooks_partition ON courier.hooks (partition);
CREATE INDEX hooks_event_types ON courier.hooks USING gin (event_types);

-- Per-hook sequence counter. emit() row-locks it until the emitting transaction ends,
-- so a hook's seqs are gapless and become visible in seq order (commit order = seq order).
CREATE TABLE courier.streams (
  hook_id bigint PRIMARY KEY REFERENCES courier.hooks (id) ON DELETE CASCADE,
  next_seq bigint NOT NULL DEFAULT 1
);

-- Delivery progress, written only by the lease holder of the hook's partition.
-- Kept apart from streams so cursor writes never wait on an emitting transaction.
CREATE TABLE courier.cursors (
  hook_id bigint PRIMARY KEY REFERENCES courier.hooks (id) ON DELETE CASCADE,
  delivered_seq bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now(),
  head_attempts int NOT NULL DEFAULT 0,
  last_error text,
  last_error_at timestamptz,
  quarantined_until timestamptz
);

CREATE SEQUENCE courier.events_id_seq;

-- Each event's payload, stored once however many hooks it fans out to.
CREATE TABLE courier.events (
  id bigint NOT NULL DEFAULT nextval('courier.events_id_seq'),
  event_type text NOT NULL,
  payload jsonb NOT NULL,
  emitted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id)
) PARTITION BY RANGE (id);

-- The per-hook streams: (hook, seq) -> event. Append-only; partitioned like events so
-- both rotate together by dropping whole partitions.
CREATE TABLE courier.outbox (
  hook_id bigint NOT NULL,
  seq bigint NOT NULL,
  event_id bigint NOT NULL,
  PRIMARY KEY (hook_id, seq, event_id)
) PARTITION BY RANGE (event_id);

-- Safety nets: inserts never fail when maintenance falls behind.
CREATE TABLE courier.events_default PARTITION OF courier.events DEFAULT;
CREATE TABLE courier.outbox_default PARTITION OF courier.outbox DEFAULT;

CREATE TABLE courier.dead_letters (
  id bigserial PRIMARY KEY,
  hook_id bigint NOT NULL REFERENCES courier.hooks (id) ON DELETE CASCADE,
  seq bigint NOT NULL,
  event_id bigint NOT NULL,
  -- A copy, so that rotation may drop the outbox partition the event lived in.
  event_type text NOT NULL,
  payload jsonb NOT NULL,
  emitted_at timestamptz NOT NULL,
  attempts int NOT NULL,
  last_error text,
  parked_at timestamptz NOT NULL DEFAULT now(),
  replayed_at timestamptz,
  UNIQUE (hook_id, seq)
);

-- Fencing: epoch per partition lease, bumped on every acquisition. Cursor and
-- dead-letter writes name the epoch they were made under and are rejected when stale.
CREATE TABLE courier.leases (
  partition int PRIMARY KEY,
  epoch bigint NOT NULL,
  node_id text,
  acquired_at timestamptz NOT NULL DEFAULT now()
);

-- Node registry. lease_pid is the backend pid of the node's lease connection, which
-- holds the partitions' advisory locks (see courier.lease_locks).
CREATE TABLE courier.nodes (
  node_id text PRIMARY KEY,
  lease_pid int,
  started_at timestamptz NOT NULL DEFAULT now(),
  heartbeat_at timestamptz NOT NULL DEFAULT now(),
  stopping boolean NOT NULL DEFAULT false,
  version text
);

-- The advisory-lock key space of partition leases: pg_try_advisory_lock(lock_class(), partition).
CREATE FUNCTION courier.lock_class() RETURNS int
LANGUAGE sql IMMUTABLE AS $$ SELECT 1131377778 $$; -- 'Cour' as int4

-- Partition leases actually held right now in this database, from the lock manager.
CREATE VIEW courier.lease_locks AS
SELECT l.objid::int AS partition, l.pid
FROM pg_locks l
WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
  AND l.classid = courier.lock_class()::oid
  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database());

CREATE FUNCTION courier.hook_partition(hook_id bigint, partitions int) RETURNS int
LANGUAGE sql IMMUTABLE AS $$
  SELECT ((hashint8(hook_id)::bigint + 2147483648) % partitions)::int
$$;

-- Patterns that select an event type: '*', the type itself and each 'prefix.*'.
CREATE FUNCTION courier.patterns_for(event_type text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT ARRAY['*', event_type] || coalesce(array_agg(p ORDER BY n), '{}')
  FROM (
    SELECT array_to_string((string_to_array(event_type, '.'))[1:n], '.') || '.*' AS p, n
    FROM generate_series(1, cardinality(string_to_array(event_type, '.')) - 1) AS n
  ) prefixes
$$;

CREATE FUNCTION courier.type_matches(patterns text[], event_type text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT AS $$ SELECT patterns && courier.patterns_for(event_type) $$;

CREATE FUNCTION courier.valid_pattern(pattern text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT pattern ~ '^(\*|[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+)*(\.\*)?)$' AND length(pattern) <= 255
$$;

CREATE FUNCTION courier.check_hook_input(url text, secret text, event_types text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  p text;
BEGIN
  IF url IS NULL OR length(url) > 2048 OR url !~* '^https?://[^/?#@[:space:]]+([/?][^[:space:]#]*)?$' THEN
    RAISE EXCEPTION 'courier: invalid hook url %', coalesce(quote_literal(url), 'NULL')
      USING ERRCODE = '22023', HINT = 'an absolute http:// or https:// URL without user-info or fragment';
  END IF;
  IF secret IS NULL OR secret !~ '^whsec_[A-Za-z0-9+/]+={0,2}$' THEN
    RAISE EXCEPTION 'courier: invalid secret (expected whsec_ followed by base64)' USING ERRCODE = '22023';
  END IF;
  BEGIN
    PERFORM decode(substr(secret, 7), 'base64');
  EXCEPTION WHEN others THEN
    RAISE EXCEPTION 'courier: invalid secret (the part after whsec_ is not valid base64)' USING ERRCODE = '22023';
  END;
  IF event_types IS NULL OR cardinality(event_types) = 0 THEN
    RAISE EXCEPTION 'courier: event_types must name at least one pattern' USING ERRCODE = '22023';
  END IF;
  FOREACH p IN ARRAY event_types LOOP
    IF p IS NULL OR NOT courier.valid_pattern(p) THEN
      RAISE EXCEPTION 'courier: invalid event type pattern %', coalesce(quote_literal(p), 'NULL')
        USING ERRCODE = '22023', HINT = 'an exact type, * or a prefix ending in .* (order.*)';
    END IF;
  END LOOP;
END
$$;

CREATE FUNCTION courier.create_hook(url text, secret text, event_types text[] DEFAULT '{*}')
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  new_id bigint;
  part int;
BEGIN
  PERFORM courier.check_hook_input(url, secret, event_types);
  new_id := nextval(pg_get_serial_sequence('courier.hooks', 'id'));
  part := courier.hook_partition(new_id, courier.partition_count());
  INSERT INTO courier.hooks (id, url, secrets, event_types, partition)
  VALUES (new_id, url, ARRAY[secret], event_types, part);
  INSERT INTO courier.streams (hook_id) VALUES (new_id);
  INSERT INTO courier.cursors (hook_id) VALUES (new_id);
  RETURN new_id;
END
$$;

-- Tells the owning node that a hook's configuration changed (NOTIFY is transactional).
CREATE FUNCTION courier.notify_hook_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('courier_hooks', OLD.partition::text);
  ELSE
    PERFORM pg_notify('courier_hooks', NEW.partition::text);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER hooks_changed AFTER INSERT OR UPDATE OR DELETE ON courier.hooks
FOR EACH ROW EXECUTE FUNCTION courier.notify_hook_change();

-- Appends one event to one hook's stream. The UPDATE row-locks the hook's counter until
-- the caller's transaction ends: the next writer to this hook waits, so a reader can
-- never see seq N+1 committed while seq N is still in flight.
CREATE FUNCTION courier.append(hook bigint, hook_partition int, event_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  s bigint;
BEGIN
  UPDATE courier.streams SET next_seq = next_seq + 1 WHERE hook_id = hook RETURNING next_seq - 1 INTO s;
  INSERT INTO courier.outbox (hook_id, seq, event_id) VALUES (hook, s, event_id);
  -- Identical notifications in one transaction collapse into one.
  PERFORM pg_notify('courier_events', hook_partition::text || ':' || hook::text);
END
$$;

CREATE FUNCTION courier.new_event(event_type text, payload jsonb) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  limit_bytes int;
  size_bytes int;
  eid bigint;
BEGIN
  IF event_type IS NULL OR event_type = '' OR length(event_type) > 255 OR event_type LIKE '%*%' THEN
    RAISE EXCEPTION 'courier: invalid event type %', coalesce(quote_literal(event_type), 'NULL')
      USING ERRCODE = '22023';
  END IF;
  IF payload IS NULL THEN
    RAISE EXCEPTION 'courier: payload must not be NULL' USING ERRCODE = '22023';
  END IF;
  SELECT max_payload_bytes INTO limit_bytes FROM courier.settings;
  size_bytes := octet_length(payload::text);
  IF size_bytes > coalesce(limit_bytes, 1048576) THEN
    RAISE EXCEPTION 'courier: payload is % bytes, the limit is %', size_bytes, coalesce(limit_bytes, 1048576)
      USING ERRCODE = '54000';
  END IF;
  INSERT INTO courier.events (event_type, payload) VALUES (event_type, payload) RETURNING id INTO eid;
  RETURN eid;
END
$$;

-- Fans an event out to every hook (not disabled) whose patterns match, in hook id
-- order (a fixed lock order, so concurrent emits cannot deadlock each other).
CREATE FUNCTION courier.emit(event_type text, payload jsonb) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  eid bigint;
  h record;
BEGIN
  eid := courier.new_event(event_type, payload);
  FOR h IN
    SELECT id, partition FROM courier.hooks
    WHERE state <> 'disabled' AND event_types && courier.patterns_for(emit.event_type)
    ORDER BY id
  LOOP
    PERFORM courier.append(h.id, h.partition, eid);
  END LOOP;
  RETURN eid;
END
$$;

CREATE FUNCTION courier.emit_to(hook_id bigint, event_type text, payload jsonb) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  part int;
  eid bigint;
BEGIN
  SELECT h.partition INTO part FROM courier.hooks h WHERE h.id = emit_to.hook_id AND h.state <> 'disabled';
  IF part IS NULL THEN
    RAISE EXCEPTION 'courier: hook % does not exist or is disabled', hook_id USING ERRCODE = '22023';
  END IF;
  eid := courier.new_event(event_type, payload);
  PERFORM courier.append(emit_to.hook_id, part, eid);
  RETURN eid;
END
$$;

-- Re-appends a parked event at the tail of its hook's stream.
CREATE FUNCTION courier.replay_dead_letter(dead_id bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  d courier.dead_letters;
  eid bigint;
BEGIN
  SELECT * INTO d FROM courier.dead_letters WHERE id = dead_id AND replayed_at IS NULL FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'courier: no unreplayed dead letter %', dead_id USING ERRCODE = '22023';
  END IF;
  eid := courier.emit_to(d.hook_id, d.event_type, d.payload);
  UPDATE courier.dead_letters SET replayed_at = now() WHERE id = dead_id;
  RETURN eid;
END
$$;

-- Serialises outbox partition maintenance (for the rest of the transaction) and
-- returns the partition size in events.
CREATE FUNCTION courier.lock_outbox_layout() RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(courier.lock_class(), -1);
  RETURN coalesce((SELECT events_per_partition FROM courier.settings), 1000000);
END
$$;

-- Keeps `ahead` empty outbox/events partitions beyond the current event id.
-- Called by any node's maintenance (serialised by an advisory lock) and by migrate.
CREATE FUNCTION courier.ensure_partitions(ahead int DEFAULT 2) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
  chunk bigint;
  current_id bigint;
  k bigint;
  created int := 0;
  lo bigint;
  hi bigint;
BEGIN
  chunk := courier.lock_outbox_layout();
  SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END INTO current_id
  FROM courier.events_id_seq;
  FOR k IN (current_id / chunk)..(current_id / chunk + ahead) LOOP
    lo := k * chunk;
    hi := (k + 1) * chunk;
    CONTINUE WHEN to_regclass(format('courier.events_%s', k)) IS NOT NULL;
    -- Rows that already spilled into the default partition would violate the new bound.
    CONTINUE WHEN EXISTS (SELECT 1 FROM courier.events_default WHERE id >= lo AND id < hi);
    EXECUTE format('CREATE TABLE courier.events_%s PARTITION OF courier.events FOR VALUES FROM (%s) TO (%s)', k, lo, hi);
    EXECUTE format('CREATE TABLE courier.outbox_%s PARTITION OF courier.outbox FOR VALUES FROM (%s) TO (%s)', k, lo, hi);
    created := created + 1;
  END LOOP;
  RETURN created;
END
$$;

-- Drops outbox/events partitions every hook's cursor has passed; never one that still
-- holds an undelivered event. Each candidate is locked first, so an emitting
-- transaction still writing into it finishes before the check. Returns pairs dropped.
CREATE FUNCTION courier.drop_delivered_partitions() RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
  chunk bigint;
  next_id bigint;
  dropped int := 0;
  r record;
  pending boolean;
BEGIN
  chunk := courier.lock_outbox_layout();
  SELECT last_value INTO next_id FROM courier.events_id_seq;
  FOR r IN
    SELECT substring(c.relname FROM '^events_([0-9]+)$')::bigint AS k
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'courier' AND c.relname ~ '^events_[0-9]+$'
    ORDER BY 1
  LOOP
    EXIT WHEN (r.k + 1) * chunk > next_id; -- the partition being written to
    EXECUTE format('LOCK TABLE courier.outbox_%s, courier.events_%s IN ACCESS EXCLUSIVE MODE', r.k, r.k);
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM courier.outbox_%s o JOIN courier.cursors c '
                   'ON c.hook_id = o.hook_id AND o.seq > c.delivered_seq)', r.k) INTO pending;
    EXIT WHEN pending;
    EXECUTE format('DROP TABLE courier.outbox_%s, courier.events_%s', r.k, r.k);
    dropped := dropped + 1;
  END LOOP;
  RETURN dropped;
END
$$;

SELECT courier.ensure_partitions();

-- For people and scripts: one row per hook.
CREATE VIEW courier.hook_status AS
SELECT h.id AS hook_id,
       h.url,
       CASE WHEN h.state = 'active' AND c.quarantined_until > now() THEN 'quarantined'
            ELSE h.state END AS state,
       c.delivered_seq + 1 AS next_seq,
       s.next_seq - 1 - c.delivered_seq AS backlog,
       (SELECT now() - e.emitted_at
          FROM courier.outbox o JOIN courier.events e ON e.id = o.event_id
         WHERE o.hook_id = h.id AND o.seq = c.delivered_seq + 1) AS oldest_undelivered_age,
       (SELECT n.node_id FROM courier.lease_locks k JOIN courier.nodes n ON n.lease_pid = k.pid
         WHERE k.partition = h.partition LIMIT 1) AS owner_node,
       c.last_error,
       c.last_error_at,
       c.head_attempts,
       h.partition
FROM courier.hooks h
JOIN courier.streams s ON s.hook_id = h.id
JOIN courier.cursors c ON c.hook_id = h.id;

CREATE VIEW courier.cluster_nodes AS
SELECT n.node_id,
       (SELECT count(*) FROM courier.lease_locks k WHERE k.pid = n.lease_pid)::int AS partitions_held,
       n.heartbeat_at AS last_heartbeat,
       n.started_at,
       n.stopping,
       n.version,
       EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = n.lease_pid) AS connected
FROM courier.nodes n;
