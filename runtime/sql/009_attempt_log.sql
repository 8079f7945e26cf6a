-- The delivery attempt log: one row per attempt (what was sent, by which node under which
-- lease, how the subscriber answered). Written by each node's attempt logger in batches,
-- read by GET /v1/deliveries and `courierctl deliveries list`. Partitioned by day so that
-- retention (node key attempt_retention) drops whole tables, never deletes rows.

CREATE TABLE IF NOT EXISTS courier.attempts (
  id               bigserial   NOT NULL, -- write order: the list's order and paging cursor
  hook_id          bigint      NOT NULL,
  seq              bigint      NOT NULL,
  event_id         bigint      NOT NULL,
  attempt          int         NOT NULL,
  node_id          text        NOT NULL,
  epoch            bigint      NOT NULL,
  started_at       timestamptz NOT NULL,
  duration_ms      int         NOT NULL,
  outcome          text        NOT NULL,
  http_status      int,
  response_excerpt text        NOT NULL DEFAULT ''
) PARTITION BY RANGE (started_at);

-- Newest first per hook (the list's order; a seq filter walks that hook's attempts) and
-- newest first overall. Few indexes: every delivery writes a row.
CREATE INDEX IF NOT EXISTS attempts_by_hook ON courier.attempts (hook_id, id DESC);
CREATE INDEX IF NOT EXISTS attempts_newest ON courier.attempts (id DESC);
-- Recent failures (the status page) without walking past every delivered attempt.
CREATE INDEX IF NOT EXISTS attempts_failed ON courier.attempts (id DESC)
  WHERE outcome <> 'delivered';

-- Daily partitions from yesterday to `ahead` days ahead; returns how many it created.
-- Serialised by an advisory lock: every node calls it from its maintenance loop.
CREATE OR REPLACE FUNCTION courier.ensure_attempt_partitions(ahead int DEFAULT 2) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
  day date;
  name text;
  created int := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('courier.attempts'));
  FOR day IN SELECT generate_series(current_date - 1, current_date + ahead, interval '1 day')::date
  LOOP
    name := 'attempts_' || to_char(day, 'YYYYMMDD');
    IF to_regclass('courier.' || name) IS NULL THEN
      EXECUTE format('CREATE TABLE courier.%I PARTITION OF courier.attempts
                        FOR VALUES FROM (%L) TO (%L)', name, day::timestamptz,
                     (day + 1)::timestamptz);
      created := created + 1;
    END IF;
  END LOOP;
  RETURN created;
END
$$;

-- Drops the daily partitions whose every row is older than `retention`; returns how many.
CREATE OR REPLACE FUNCTION courier.drop_expired_attempts(retention interval) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
  part record;
  dropped int := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('courier.attempts'));
  FOR part IN
    SELECT c.relname FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'courier'
     WHERE i.inhparent = 'courier.attempts'::regclass
       AND c.relname ~ '^attempts_[0-9]{8}$'
       AND to_date(substr(c.relname, 10), 'YYYYMMDD') + 1 < now() - retention
  LOOP
    EXECUTE format('DROP TABLE courier.%I', part.relname);
    dropped := dropped + 1;
  END LOOP;
  RETURN dropped;
END
$$;

SELECT courier.ensure_attempt_partitions();
