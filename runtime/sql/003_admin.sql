-- Courier schema v3: what the admin API (runtime/admin) and operators need — hook
-- changes, secret rotation with an overlap, bulk dead-letter replay. Every statement adds
-- or replaces, so it upgrades a v2 database in place (and is harmless if run again).
--
-- Error codes, so callers can tell them apart: 22023 (invalid_parameter_value) a value is
-- refused, P0002 (no_data_found) no such hook or dead letter, 55000
-- (object_not_in_prerequisite_state) the change conflicts with the hook's state.

-- Secrets rotated out keep signing until their retire time; the newest never has one.
CREATE TABLE IF NOT EXISTS courier.secret_expiry (
  hook_id bigint NOT NULL REFERENCES courier.hooks (id) ON DELETE CASCADE,
  secret text NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (hook_id, secret)
);
CREATE INDEX IF NOT EXISTS secret_expiry_due ON courier.secret_expiry (expires_at);

-- RFC 3339 UTC with milliseconds, as the admin API prints times.
CREATE OR REPLACE FUNCTION courier.rfc3339(t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

-- Why a secret is refused (check_secret's message), or NULL when it is fine.
CREATE OR REPLACE FUNCTION courier.secret_problem(secret text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  PERFORM courier.check_secret(secret);
  RETURN NULL;
EXCEPTION WHEN invalid_parameter_value THEN
  RETURN SQLERRM;
END
$$;

-- Why a list of event type patterns is refused, or NULL when it is fine.
CREATE OR REPLACE FUNCTION courier.event_types_problem(event_types text[]) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  p text;
BEGIN
  IF event_types IS NULL OR cardinality(event_types) = 0 THEN
    RETURN 'courier: event_types must name at least one pattern';
  END IF;
  FOREACH p IN ARRAY event_types LOOP
    IF p IS NULL OR NOT courier.valid_pattern(p) THEN
      RETURN format('courier: invalid event type pattern %s in event_types',
                    coalesce(quote_literal(p), 'NULL'));
    END IF;
  END LOOP;
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION courier.check_url(url text) RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  problem text := courier.url_problem(url);
BEGIN
  IF problem IS NOT NULL THEN
    RAISE EXCEPTION 'courier: invalid hook url %: %', coalesce(quote_literal(url), 'NULL'), problem
      USING ERRCODE = '22023',
            HINT = 'an absolute http:// or https:// URL of printable ASCII, without user info or fragment';
  END IF;
END
$$;

CREATE OR REPLACE FUNCTION courier.check_event_types(event_types text[]) RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  problem text := courier.event_types_problem(event_types);
BEGIN
  IF problem IS NOT NULL THEN
    RAISE EXCEPTION '%', problem
      USING ERRCODE = '22023', HINT = 'an exact type, * or a prefix ending in .* (order.*)';
  END IF;
END
$$;

-- The same rules as 002, now made of the per-field checks the admin API also calls.
CREATE OR REPLACE FUNCTION courier.check_hook_input(url text, secret text, event_types text[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM courier.check_url(url);
  PERFORM courier.check_secret(secret);
  PERFORM courier.check_event_types(event_types);
END
$$;

-- A hook deleted between emit's choice of hooks and its append no longer has a stream:
-- the event is simply not appended (as if the delete had come first) instead of failing
-- the application's transaction.
CREATE OR REPLACE FUNCTION courier.append(hook bigint, hook_partition int, event_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  s bigint;
BEGIN
  UPDATE courier.streams SET next_seq = next_seq + 1 WHERE hook_id = hook RETURNING next_seq - 1 INTO s;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  INSERT INTO courier.outbox (hook_id, seq, event_id) VALUES (hook, s, event_id);
  -- Identical notifications in one transaction collapse into one.
  PERFORM pg_notify('courier_events', hook_partition::text || ':' || hook::text);
END
$$;

-- The hook row, locked for a change; raises P0002 when there is none.
CREATE OR REPLACE FUNCTION courier.lock_hook(hook_id bigint) RETURNS courier.hooks
LANGUAGE plpgsql AS $$
DECLARE
  h courier.hooks;
BEGIN
  SELECT * INTO h FROM courier.hooks WHERE id = lock_hook.hook_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'courier: no hook %', hook_id USING ERRCODE = 'P0002';
  END IF;
  RETURN h;
END
$$;

-- Changes the URL and/or the event types (NULL keeps the current value). The owning node
-- follows at once (the hooks trigger NOTIFYs it); new patterns apply to later emits.
CREATE OR REPLACE FUNCTION courier.update_hook(hook_id bigint, url text DEFAULT NULL,
                                               event_types text[] DEFAULT NULL) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF update_hook.url IS NOT NULL THEN
    PERFORM courier.check_url(update_hook.url);
  END IF;
  IF update_hook.event_types IS NOT NULL THEN
    PERFORM courier.check_event_types(update_hook.event_types);
  END IF;
  PERFORM courier.lock_hook(update_hook.hook_id);
  UPDATE courier.hooks h
     SET url = coalesce(update_hook.url, h.url),
         event_types = coalesce(update_hook.event_types, h.event_types),
         updated_at = now()
   WHERE h.id = update_hook.hook_id;
END
$$;

-- active -> paused: events keep accumulating, nothing is sent. Pausing a paused hook
-- changes nothing; a disabled one must be resumed instead.
CREATE OR REPLACE FUNCTION courier.pause_hook(hook_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  h courier.hooks := courier.lock_hook(hook_id);
BEGIN
  IF h.state = 'disabled' THEN
    RAISE EXCEPTION 'courier: hook % is disabled (%); resume it instead', hook_id,
                    coalesce(h.disabled_reason, 'no reason recorded') USING ERRCODE = '55000';
  END IF;
  IF h.state = 'active' THEN
    UPDATE courier.hooks SET state = 'paused', updated_at = now() WHERE id = h.id;
  END IF;
END
$$;

-- paused or disabled -> active: delivery resumes from the durable cursor.
CREATE OR REPLACE FUNCTION courier.resume_hook(hook_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  h courier.hooks := courier.lock_hook(hook_id);
BEGIN
  IF h.state <> 'active' THEN
    UPDATE courier.hooks SET state = 'active', disabled_reason = NULL, updated_at = now()
     WHERE id = h.id;
  END IF;
END
$$;

-- Deletes the hook with its stream position, cursor, dead letters and secrets; its outbox
-- entries go with the partitions they live in.
CREATE OR REPLACE FUNCTION courier.delete_hook(hook_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM courier.lock_hook(hook_id);
  DELETE FROM courier.hooks WHERE id = delete_hook.hook_id;
END
$$;

-- Drops the hook's secrets whose retire time has passed (never the newest). Takes the
-- hook row first, as every change of a hook does, so it cannot deadlock with them.
-- Returns whether the hook changed (its owner then reloads it: the trigger NOTIFYs).
CREATE OR REPLACE FUNCTION courier.retire_hook_secrets(hook_id bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  h courier.hooks := courier.lock_hook(hook_id);
  retired text[];
BEGIN
  WITH gone AS (
    DELETE FROM courier.secret_expiry x
     WHERE x.hook_id = h.id AND x.expires_at <= now()
    RETURNING x.secret)
  SELECT array_agg(secret) INTO retired FROM gone;
  IF retired IS NULL THEN
    RETURN false;
  END IF;
  UPDATE courier.hooks
     SET secrets = ARRAY(SELECT s FROM unnest(h.secrets) WITH ORDINALITY AS u(s, n)
                          WHERE n = 1 OR s <> ALL (retired) ORDER BY n),
         updated_at = now()
   WHERE id = h.id;
  RETURN true;
END
$$;

-- Every hook with a secret due for retirement, in hook id order (a fixed lock order).
-- Run by every node's admin API about once a second; returns the hooks changed.
CREATE OR REPLACE FUNCTION courier.retire_expired_secrets() RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
  due bigint;
  changed int := 0;
BEGIN
  FOR due IN SELECT DISTINCT x.hook_id FROM courier.secret_expiry x
              WHERE x.expires_at <= now() ORDER BY 1 LOOP
    BEGIN
      IF courier.retire_hook_secrets(due) THEN
        changed := changed + 1;
      END IF;
    EXCEPTION WHEN no_data_found THEN
      NULL; -- deleted meanwhile: its expiry rows went with it
    END;
  END LOOP;
  RETURN changed;
END
$$;

-- Adds `secret` as the newest signing secret. Those signing until now keep signing (one
-- v1 signature each) for `overlap`, then retire — each keeps an earlier retire time it
-- already had. An overlap of zero retires them at once.
CREATE OR REPLACE FUNCTION courier.rotate_secret(hook_id bigint, secret text,
                                                 overlap interval DEFAULT interval '24 hours')
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  h courier.hooks;
BEGIN
  PERFORM courier.check_secret(rotate_secret.secret);
  IF overlap IS NULL OR overlap < interval '0' THEN
    RAISE EXCEPTION 'courier: overlap must be zero or more, got %', coalesce(overlap::text, 'NULL')
      USING ERRCODE = '22023';
  END IF;
  PERFORM courier.retire_hook_secrets(rotate_secret.hook_id);
  h := courier.lock_hook(rotate_secret.hook_id);
  IF rotate_secret.secret = ANY (h.secrets) THEN
    RAISE EXCEPTION 'courier: that secret already signs for hook %', h.id USING ERRCODE = '55000';
  END IF;
  IF overlap > interval '0' AND cardinality(h.secrets) >= 4 THEN
    RAISE EXCEPTION 'courier: hook % already signs with % secrets; wait for the oldest to retire',
                    h.id, cardinality(h.secrets)
      USING ERRCODE = '55000', HINT = 'or rotate with an overlap of 0';
  END IF;
  INSERT INTO courier.secret_expiry AS x (hook_id, secret, expires_at)
  SELECT h.id, s, now() + overlap FROM unnest(h.secrets) AS s
  ON CONFLICT ON CONSTRAINT secret_expiry_pkey
  DO UPDATE SET expires_at = least(x.expires_at, excluded.expires_at);
  UPDATE courier.hooks SET secrets = rotate_secret.secret || h.secrets, updated_at = now()
   WHERE id = h.id;
  IF overlap = interval '0' THEN
    PERFORM courier.retire_hook_secrets(h.id);
  END IF;
END
$$;

-- Re-appends parked events at the tail of their hooks' streams — each hook's in their
-- original seq order — and marks them replayed: calling it again changes nothing until
-- something is parked anew, so a retried request cannot deliver twice. Filters (NULL: any)
-- by dead letter, hook and parked time. Letters of disabled hooks stay parked.
CREATE OR REPLACE FUNCTION courier.replay_dead_letters(dead_id bigint DEFAULT NULL,
                                                       for_hook bigint DEFAULT NULL,
                                                       parked_since timestamptz DEFAULT NULL)
RETURNS TABLE (dead_letter_id bigint, hook_id bigint, event_id bigint)
LANGUAGE plpgsql AS $$
DECLARE
  d record;
BEGIN
  FOR d IN
    SELECT x.id, x.hook_id, x.event_type, x.payload
      FROM courier.dead_letters x JOIN courier.hooks h ON h.id = x.hook_id
     WHERE x.replayed_at IS NULL AND h.state <> 'disabled'
       AND (replay_dead_letters.dead_id IS NULL OR x.id = replay_dead_letters.dead_id)
       AND (for_hook IS NULL OR x.hook_id = for_hook)
       AND (parked_since IS NULL OR x.parked_at >= parked_since)
     ORDER BY x.hook_id, x.seq
       FOR UPDATE OF x
  LOOP
    dead_letter_id := d.id;
    hook_id := d.hook_id;
    event_id := courier.emit_to(d.hook_id, d.event_type, d.payload);
    UPDATE courier.dead_letters SET replayed_at = now() WHERE id = d.id;
    RETURN NEXT;
  END LOOP;
END
$$;

-- One dead letter; says why when it cannot be replayed. Returns the new event's id.
CREATE OR REPLACE FUNCTION courier.replay_dead_letter(dead_id bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  d record;
  eid bigint;
BEGIN
  SELECT x.replayed_at, x.hook_id, h.state INTO d
    FROM courier.dead_letters x JOIN courier.hooks h ON h.id = x.hook_id WHERE x.id = dead_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'courier: no dead letter %', dead_id USING ERRCODE = 'P0002';
  END IF;
  IF d.state = 'disabled' THEN
    RAISE EXCEPTION 'courier: hook % is disabled; resume it before replaying', d.hook_id
      USING ERRCODE = '55000';
  END IF;
  SELECT r.event_id INTO eid FROM courier.replay_dead_letters(dead_id => dead_id) r;
  IF eid IS NULL THEN
    RAISE EXCEPTION 'courier: dead letter % was already replayed', dead_id USING ERRCODE = '55000';
  END IF;
  RETURN eid;
END
$$;
