-- Named sample triggers pinned to a recipe (issue 17): the studio reruns them after every edit.
-- Owner: dev.braid.app.store.FixtureStore.
create table recipe_fixtures (
    recipe     text        not null references recipes (slug) on delete cascade,
    name       text        not null,
    trigger    jsonb       not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    updated_by text,
    primary key (recipe, name),
    constraint recipe_fixtures_name_format check (name ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$')
);
