-- Hook health and operations: the per-hook options rate_limit, headers, pause_after, the
-- ordered batches' batch_max and batch_max_bytes, and the unordered mode's ordering and
-- max_in_flight_per_hook;
-- a hook whose head event keeps failing past pause_after is paused (nothing is lost) with
-- the reason in courier.hook_status; and operational events — courier.hook.paused,
-- courier.hook.disabled, courier.hook.quarantined, courier.event.dead_lettered — go
-- through Courier's own outbox to the hooks that ask for them by name.

-- When the head event's current run of failures began (NULL: it is not failing). Set by
-- the owner's first recorded failure, cleared when the cursor moves on.
ALTER TABLE courier.cursors ADD COLUMN IF NOT EXISTS head_failing_since timestamptz;
-- Why a paused hook was paused by its node (NULL when an operator paused it).
ALTER TABLE courier.hooks ADD COLUMN IF NOT EXISTS paused_reason text;
-- Hooks that are held (paused, disabled) or quarantined, for the status page and the API's
-- state filter, without a pass over every hook.
CREATE INDEX IF NOT EXISTS hooks_not_active ON courier.hooks (id) WHERE state <> 'active';
CREATE INDEX IF NOT EXISTS cursors_quarantined ON courier.cursors (hook_id)
  WHERE quarantined_until IS NOT NULL;

CREATE OR REPLACE VIEW courier.hook_status AS
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
       h.partition,
       coalesce(h.paused_reason, h.disabled_reason) AS state_reason,
       c.head_failing_since
FROM courier.hooks h
JOIN courier.streams s ON s.hook_id = h.id
JOIN courier.cursors c ON c.hook_id = h.id;

-- paused or disabled -> active, forgetting why it stopped.
CREATE OR REPLACE FUNCTION courier.resume_hook(hook_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  h courier.hooks := courier.lock_hook(hook_id);
BEGIN
  IF h.state <> 'active' THEN
    UPDATE courier.hooks
       SET state = 'active', disabled_reason = NULL, paused_reason = NULL, updated_at = now()
     WHERE id = h.id;
  END IF;
END
$$;

-- Why `value` is not a valid value of option `name` (NULL: it is). The rules are the
-- node's (runtime/hook_options_json.cpp, config's duration lists).
CREATE OR REPLACE FUNCTION courier.hook_option_problem(name text, value jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  header record;
BEGIN
  CASE name
  WHEN 'retry_schedule' THEN
    IF jsonb_typeof(value) <> 'string'
       OR value #>> '{}' !~ '^[0-9]{1,9}(ms|s|m|h)?(,[0-9]{1,9}(ms|s|m|h)?)*$'
       OR value #>> '{}' ~ '(^|,)0+(ms|s|m|h)?(,|$)' THEN
      RETURN 'a comma-separated list of positive durations, e.g. "5s,30s,2m"';
    END IF;
  WHEN 'max_attempts' THEN
    IF jsonb_typeof(value) <> 'number' OR value::text !~ '^[0-9]{1,4}$'
       OR (value #>> '{}')::int NOT BETWEEN 1 AND 1000 THEN
      RETURN 'an integer from 1 to 1000';
    END IF;
  WHEN 'poison_policy' THEN
    IF jsonb_typeof(value) <> 'string' OR value #>> '{}' NOT IN ('block', 'dead_letter') THEN
      RETURN '"block" or "dead_letter"';
    END IF;
  WHEN 'http_timeout_ms' THEN
    IF jsonb_typeof(value) <> 'number' OR value::text !~ '^[0-9]{1,6}$'
       OR (value #>> '{}')::int NOT BETWEEN 100 AND 600000 THEN
      RETURN 'an integer from 100 to 600000 (milliseconds)';
    END IF;
  WHEN 'rate_limit' THEN
    IF jsonb_typeof(value) <> 'number' OR (value #>> '{}')::numeric NOT BETWEEN 0.01 AND 10000 THEN
      RETURN 'requests per second, a number from 0.01 to 10000';
    END IF;
  WHEN 'pause_after' THEN
    IF jsonb_typeof(value) <> 'string' OR value #>> '{}' !~ '^[0-9]{1,9}(ms|s|m|h)?$'
       OR value #>> '{}' ~ '^0+(ms|s|m|h)?$' THEN
      RETURN 'a positive duration, e.g. "72h"';
    END IF;
  WHEN 'batch_max' THEN
    IF jsonb_typeof(value) <> 'number' OR value::text !~ '^[0-9]{1,4}$'
       OR (value #>> '{}')::int NOT BETWEEN 1 AND 1000 THEN
      RETURN 'an integer from 1 to 1000 (events per POST; 1: no batches)';
    END IF;
  WHEN 'batch_max_bytes' THEN
    IF jsonb_typeof(value) <> 'number' OR value::text !~ '^[0-9]{1,8}$'
       OR (value #>> '{}')::int NOT BETWEEN 1024 AND 16777216 THEN
      RETURN 'a byte count from 1024 to 16777216';
    END IF;
  WHEN 'ordering' THEN
    IF jsonb_typeof(value) <> 'string' OR value #>> '{}' NOT IN ('strict', 'none') THEN
      RETURN '"strict" (the default) or "none"';
    END IF;
  WHEN 'max_in_flight_per_hook' THEN
    IF jsonb_typeof(value) <> 'number' OR value::text !~ '^[0-9]{1,4}$'
       OR (value #>> '{}')::int NOT BETWEEN 1 AND 1000 THEN
      RETURN 'an integer from 1 to 1000';
    END IF;
  WHEN 'headers' THEN
    IF jsonb_typeof(value) <> 'object' THEN
      RETURN 'an object of header names and string values, e.g. {"x-team": "payments"}';
    END IF;
    IF (SELECT count(*) FROM jsonb_object_keys(hook_option_problem.value)) > 20 THEN
      RETURN 'at most 20 headers';
    END IF;
    FOR header IN SELECT e.key, e.value AS v FROM jsonb_each(hook_option_problem.value) e LOOP
      IF header.key !~ '^[A-Za-z0-9!#$%&''*+.^_`|~-]+$' OR length(header.key) > 100 THEN
        RETURN 'header name ' || quote_literal(header.key) || ' is not an HTTP token';
      END IF;
      IF lower(header.key) ~ '^(webhook-|courier-)'
         OR lower(header.key) IN ('content-type', 'host', 'content-length', 'transfer-encoding',
                                  'connection', 'traceparent', 'user-agent') THEN
        RETURN 'header ' || header.key || ' is set by Courier itself and may not be overridden';
      END IF;
      IF jsonb_typeof(header.v) <> 'string' OR header.v #>> '{}' !~ '^[\x20-\x7e]*$'
         OR length(header.v #>> '{}') > 1000 THEN
        RETURN 'header ' || header.key || ' must have a string value of at most 1000 printable ASCII characters';
      END IF;
    END LOOP;
  ELSE
    RETURN 'unknown option';
  END CASE;
  RETURN NULL;
END
$$;

-- Merges `options` into the hook's: each key sets that option, a JSON null unsets it.
CREATE OR REPLACE FUNCTION courier.configure_hook(hook_id bigint, options jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  item record;
  problem text;
  merged jsonb;
BEGIN
  IF options IS NULL OR jsonb_typeof(options) <> 'object' THEN
    RAISE EXCEPTION 'courier: options must be a JSON object' USING ERRCODE = '22023';
  END IF;
  FOR item IN SELECT key, value FROM jsonb_each(options) LOOP
    IF item.key NOT IN ('retry_schedule', 'max_attempts', 'poison_policy', 'http_timeout_ms',
                        'rate_limit', 'headers', 'pause_after', 'batch_max',
                        'batch_max_bytes', 'ordering', 'max_in_flight_per_hook') THEN
      RAISE EXCEPTION 'courier: unknown option %', item.key USING ERRCODE = '22023',
        HINT = 'retry_schedule, max_attempts, poison_policy, http_timeout_ms, rate_limit, headers, pause_after, batch_max, batch_max_bytes, ordering or max_in_flight_per_hook';
    END IF;
    CONTINUE WHEN jsonb_typeof(item.value) = 'null';
    problem := courier.hook_option_problem(item.key, item.value);
    IF problem IS NOT NULL THEN
      RAISE EXCEPTION 'courier: invalid option %: %', item.key, problem
        USING ERRCODE = '22023', DETAIL = 'value: ' || item.value::text;
    END IF;
  END LOOP;
  UPDATE courier.hooks h
     SET options = jsonb_strip_nulls(h.options || configure_hook.options), updated_at = now()
   WHERE h.id = configure_hook.hook_id
  RETURNING h.options INTO merged;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'courier: no hook %', hook_id USING ERRCODE = 'P0002';
  END IF;
  -- Batches keep the order: they and the unordered mode exclude each other.
  IF merged ->> 'ordering' = 'none' AND coalesce((merged ->> 'batch_max')::int, 1) > 1 THEN
    RAISE EXCEPTION 'courier: invalid option batch_max: batches need ordering strict'
      USING ERRCODE = '22023';
  END IF;
END
$$;

-- An operational event (type courier.*), emitted through the outbox like any other, to
-- the hooks that name it: 'courier.*', a prefix of it such as 'courier.hook.*', or the
-- type itself. A catch-all '*' hook does not get them: operations are opted into. Runs in
-- the transaction of the change it reports, so it exists exactly when the change does.
CREATE OR REPLACE FUNCTION courier.emit_operational(event_type text, payload jsonb)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  eid bigint;
  h record;
  wanted text[] := array_remove(courier.patterns_for(event_type), '*');
BEGIN
  IF NOT EXISTS (SELECT 1 FROM courier.hooks
                  WHERE state <> 'disabled' AND event_types && wanted) THEN
    RETURN NULL;
  END IF;
  eid := courier.new_event(event_type, payload);
  FOR h IN
    SELECT id, partition FROM courier.hooks
     WHERE state <> 'disabled' AND event_types && wanted
     ORDER BY id
  LOOP
    PERFORM courier.append(h.id, h.partition, eid);
  END LOOP;
  RETURN eid;
END
$$;

-- What an operational event says about a hook.
CREATE OR REPLACE FUNCTION courier.hook_event_payload(h courier.hooks, reason text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('hook_id', h.id, 'url', h.url, 'reason', reason,
                            'at', courier.rfc3339(now()))
$$;

-- Whether `node` holds the partition's lease under `lease_epoch`. The lease row stays
-- share-locked until the caller's transaction ends, so a new owner's epoch bump waits for
-- the caller's write, then sees it: the fence of every owner-only change.
CREATE OR REPLACE FUNCTION courier.lease_held(lease_partition int, lease_epoch bigint, node text)
RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM courier.leases l
    WHERE l.partition = lease_partition AND l.epoch = lease_epoch AND l.node_id = node FOR SHARE;
  RETURN FOUND;
END
$$;

-- The owner's pause of a hook whose head has failed for longer than its pause_after,
-- under the lease (partition, epoch) held by `node`. Returns 'paused' (and emits
-- courier.hook.paused), 'fenced' under a stale lease, or 'gone' when the hook is not
-- active any more (nothing then changes or is emitted: once per occurrence).
CREATE OR REPLACE FUNCTION courier.pause_failing_hook(hook_id bigint, lease_partition int,
                                                      lease_epoch bigint, node text,
                                                      reason text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  h courier.hooks;
BEGIN
  IF NOT courier.lease_held(lease_partition, lease_epoch, node) THEN
    RETURN 'fenced';
  END IF;
  SELECT * INTO h FROM courier.hooks WHERE id = pause_failing_hook.hook_id FOR UPDATE;
  IF NOT FOUND OR h.state <> 'active' THEN
    RETURN 'gone';
  END IF;
  UPDATE courier.hooks SET state = 'paused', paused_reason = reason, updated_at = now()
   WHERE id = h.id;
  PERFORM courier.emit_operational('courier.hook.paused', courier.hook_event_payload(h, reason));
  RETURN 'paused';
END
$$;

-- 410 Gone: the subscriber asked to stop. Emits courier.hook.disabled when it disables.
CREATE OR REPLACE FUNCTION courier.disable_gone_hook(hook_id bigint, reason text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  h courier.hooks;
BEGIN
  SELECT * INTO h FROM courier.hooks WHERE id = disable_gone_hook.hook_id FOR UPDATE;
  IF NOT FOUND OR h.state = 'disabled' THEN
    RETURN;
  END IF;
  UPDATE courier.hooks SET state = 'disabled', disabled_reason = reason, updated_at = now()
   WHERE id = h.id;
  PERFORM courier.emit_operational('courier.hook.disabled', courier.hook_event_payload(h, reason));
END
$$;
