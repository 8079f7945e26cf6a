-- Trace context (W3C traceparent) travels with an event from the writer's transaction to
-- every attempt: `SET LOCAL courier.traceparent = '00-<trace id>-<parent id>-<flags>'`
-- before courier.emit / courier.emit_to stores it with the event.

-- The current transaction's courier.traceparent when it is a valid version-00 value,
-- else NULL: a malformed or absent setting never fails the application's transaction,
-- the event is then simply sent without trace context.
CREATE OR REPLACE FUNCTION courier.current_traceparent() RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN t ~ '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$'
               AND substr(t, 4, 32) <> repeat('0', 32)
               AND substr(t, 37, 16) <> repeat('0', 16)
              THEN t END
    FROM (SELECT current_setting('courier.traceparent', true) AS t) s
$$;

-- A column default rather than a change to courier.new_event: every way an event is
-- written picks the setting up. Rows written before this migration have none.
ALTER TABLE courier.events
  ADD COLUMN IF NOT EXISTS traceparent text DEFAULT courier.current_traceparent();
