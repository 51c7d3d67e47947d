-- Poison runs (issue 14): a run whose attempts keep ending with its node dying or its lease running out
-- is given up after braid.worker.poison-after such expiries in a row. lease_expiries counts the lease
-- expiries since the last progress (a step that finished); lease_holders are the nodes that held those
-- leases, oldest first, so that the dead letter can say where the run was when it took its node down.
-- Both are reset by the checkpoint of a finished step and by an operator's retry. Adding columns with a
-- constant default rewrites nothing.
alter table runs
    add column lease_expiries integer not null default 0,
    add column lease_holders  text[]  not null default '{}';
