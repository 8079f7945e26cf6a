-- Replay from a seq (`courierctl replay --hook ID --from-seq N`): the hook's events from N
-- on are delivered again, in order. An operator only asks (courier.request_rewind); the
-- node that owns the hook's partition applies it (courier.apply_rewind) once its
-- deliverer for the hook has stopped and its cursor is flushed, under its lease epoch —
-- so a rewind never races the owner's own cursor writes, and a node that lost the lease
-- cannot apply one.

CREATE TABLE IF NOT EXISTS courier.rewinds (
  id            bigserial PRIMARY KEY,
  hook_id       bigint      NOT NULL REFERENCES courier.hooks (id) ON DELETE CASCADE,
  from_seq      bigint      NOT NULL CHECK (from_seq >= 1),
  requested_at  timestamptz NOT NULL DEFAULT now(),
  applied_at    timestamptz,
  applied_by    text,        -- node id
  applied_epoch bigint       -- the lease epoch it was applied under
);
-- At most one pending rewind per hook: asking again replaces it.
CREATE UNIQUE INDEX IF NOT EXISTS rewinds_pending ON courier.rewinds (hook_id)
  WHERE applied_at IS NULL;

-- Asks the owner of the hook to deliver its events from `from_seq` on again. Returns the
-- rewind's id. Refused: no such hook (P0002), a seq outside the stream (22023), events
-- no longer kept because their outbox partition was dropped (55000).
CREATE OR REPLACE FUNCTION courier.request_rewind(hook_id bigint, from_seq bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  h courier.hooks := courier.lock_hook(request_rewind.hook_id);
  first_seq bigint := request_rewind.from_seq;
  stream_next bigint;
  rewind_id bigint;
BEGIN
  SELECT s.next_seq INTO stream_next FROM courier.streams s WHERE s.hook_id = h.id;
  IF first_seq IS NULL OR first_seq < 1 OR first_seq >= stream_next THEN
    RAISE EXCEPTION 'courier: from_seq must be a seq of hook % (1 to %), got %', h.id,
      stream_next - 1, first_seq USING ERRCODE = '22023';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM courier.outbox o WHERE o.hook_id = h.id AND o.seq = first_seq) THEN
    RAISE EXCEPTION 'courier: events of hook % from seq % are no longer kept (delivered and rotated out)',
      h.id, first_seq USING ERRCODE = '55000';
  END IF;
  INSERT INTO courier.rewinds (hook_id, from_seq) VALUES (h.id, first_seq)
  ON CONFLICT (hook_id) WHERE applied_at IS NULL
  DO UPDATE SET from_seq = EXCLUDED.from_seq, requested_at = now()
  RETURNING id INTO rewind_id;
  -- The hooks trigger tells the owning node, which reloads the hook and finds the rewind.
  UPDATE courier.hooks SET updated_at = now() WHERE id = h.id;
  RETURN rewind_id;
END
$$;

-- Applied by the owning node: moves the hook's cursor back to just before the rewind's
-- seq (never forward: events not yet delivered are delivered anyway) and marks the rewind
-- applied, in one transaction, only while `node` holds the hook's partition under `epoch`
-- (courier.lease_held). Returns 'applied'; 'fenced', changing nothing, under a stale epoch; 'gone' when the
-- rewind is no longer pending here (applied already, or its hook deleted or moved).
CREATE OR REPLACE FUNCTION courier.apply_rewind(rewind_id bigint, lease_partition int,
                                                lease_epoch bigint, node text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  r courier.rewinds;
BEGIN
  IF NOT courier.lease_held(lease_partition, lease_epoch, node) THEN
    RETURN 'fenced';
  END IF;
  SELECT * INTO r FROM courier.rewinds
   WHERE id = rewind_id AND applied_at IS NULL
     AND EXISTS (SELECT 1 FROM courier.hooks h
                  WHERE h.id = rewinds.hook_id AND h.partition = lease_partition)
   FOR UPDATE;
  IF NOT FOUND THEN
    RETURN 'gone';
  END IF;
  UPDATE courier.cursors c
     SET delivered_seq = least(c.delivered_seq, r.from_seq - 1), head_attempts = 0,
         last_error = NULL, last_error_at = NULL, head_failing_since = NULL, updated_at = now()
   WHERE c.hook_id = r.hook_id;
  UPDATE courier.rewinds
     SET applied_at = now(), applied_by = node, applied_epoch = lease_epoch
   WHERE id = r.id;
  RETURN 'applied';
END
$$;
