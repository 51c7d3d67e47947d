-- A batch run (kafka or poll `batch:`) keeps its events' payloads once, in its own trigger.events: the
-- event rows of a batch hold their key (the dedupe) and their place in that array, not a second copy of
-- the payload (issue 18: Kafka batch ingestion wrote every payload twice). Rows stored before keep theirs;
-- an event stored with duplicates in the same batch keeps its payload too (EventStore's exact path).
alter table trigger_events alter column payload drop not null;
alter table trigger_events add column batch_index integer;
alter table trigger_events add constraint trigger_events_payload_kept
    check (payload is not null or (batch_index is not null and first_run_id is not null)) not valid;
