-- govwatch findings store: the core data model.
-- Applied by `govwatch db init` inside one transaction; recorded in schema_migrations.
-- Registry tables are never deleted from: a target dropped from the registry file is deactivated
-- (active = false) so that its findings, observations and ledger history stay queryable.

CREATE TABLE units (
    id          text PRIMARY KEY CHECK (id ~ '^[a-z0-9_-]+$'),
    name        text NOT NULL,
    parent_id   text,                       -- supervising unit for escalations (no FK: import order free)
    active      boolean NOT NULL DEFAULT true,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE contacts (
    id          bigserial PRIMARY KEY,
    unit_id     text NOT NULL REFERENCES units(id),
    seq         integer NOT NULL,           -- order within the unit, as in the registry file
    name        text NOT NULL,
    email       text,
    mobile      text,
    role        text NOT NULL DEFAULT 'primary',
    UNIQUE (unit_id, seq)
);

CREATE TABLE sites (
    id            text PRIMARY KEY,         -- 网站标识码
    name          text NOT NULL,
    url           text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('portal', 'department')),
    unit_id       text NOT NULL REFERENCES units(id),
    region        text NOT NULL DEFAULT '',
    has_services  boolean NOT NULL,
    active        boolean NOT NULL DEFAULT true,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE columns (
    site_id       text NOT NULL REFERENCES sites(id),
    id            text NOT NULL,
    name          text NOT NULL,
    url           text NOT NULL,
    category      text NOT NULL CHECK (category IN
                    ('news', 'notice', 'policy', 'interpretation', 'consult', 'personnel', 'planning', 'other')),
    level         integer NOT NULL DEFAULT 1,
    max_age_days  integer,
    seq           integer NOT NULL DEFAULT 0,
    active        boolean NOT NULL DEFAULT true,
    PRIMARY KEY (site_id, id)
);

CREATE TABLE accounts (
    id               text PRIMARY KEY,
    name             text NOT NULL,
    platform         text NOT NULL CHECK (platform IN ('wechat', 'weibo', 'douyin', 'kuaishou', 'toutiao', 'other')),
    unit_id          text NOT NULL REFERENCES units(id),
    region           text NOT NULL DEFAULT '',
    feed_url         text NOT NULL,
    menu_url         text,
    interaction_url  text,
    active           boolean NOT NULL DEFAULT true,
    updated_at       timestamptz NOT NULL DEFAULT now()
);

-- One row per command / task execution. Keyed by (kind, as_of, scope) so a re-run of the same task for
-- the same date updates its row instead of adding one.
CREATE TABLE runs (
    id           bigserial PRIMARY KEY,
    kind         text NOT NULL,             -- probe | columns | inspect | remind | notice | validate
    as_of        date NOT NULL,
    scope        text NOT NULL DEFAULT '*', -- '*' or a shard / site-list digest
    started_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    status       text NOT NULL DEFAULT 'running',
    stats        jsonb NOT NULL DEFAULT '{}',
    UNIQUE (kind, as_of, scope)
);

-- Availability probes: one row per site and probe instant.
CREATE TABLE probes (
    id          bigserial PRIMARY KEY,
    site_id     text NOT NULL REFERENCES sites(id),
    probed_at   timestamptz NOT NULL,
    ok          boolean NOT NULL,
    status      integer,
    elapsed_ms  integer,
    error       text,
    UNIQUE (site_id, probed_at)
);
CREATE INDEX probes_site_time ON probes (site_id, probed_at);

-- Every fetch a check makes. Re-running the same kind of check for the same as-of date replaces the
-- row for the same (kind, url).
CREATE TABLE observations (
    id           bigserial PRIMARY KEY,
    run_kind     text NOT NULL,
    as_of        date NOT NULL,
    target_type  text NOT NULL,             -- site | column | account | page | link | menu | feed
    target_id    text NOT NULL,
    site_id      text,
    url          text NOT NULL,
    final_url    text,
    status       integer,
    ok           boolean NOT NULL,
    elapsed_ms   integer,
    bytes        integer,
    encoding     text,
    newest_date  date,
    item_count   integer,
    dated_count  integer,
    error        text,
    fetched_at   timestamptz NOT NULL DEFAULT now(),
    meta         jsonb NOT NULL DEFAULT '{}',
    UNIQUE (run_kind, as_of, target_type, target_id, url)
);
CREATE INDEX observations_asof ON observations (as_of, run_kind);

-- Items seen in column lists and feeds (title, link, publish date): the basis of the per-unit
-- publication counts (信息公开更新条数明细) and of the interpretation checks.
CREATE TABLE items (
    id           bigserial PRIMARY KEY,
    target_type  text NOT NULL,             -- column | account
    target_id    text NOT NULL,             -- site_id/column_id or account id
    site_id      text,
    unit_id      text,
    url          text NOT NULL,
    title        text NOT NULL DEFAULT '',
    pub_date     date,
    first_seen   date NOT NULL,
    last_seen    date NOT NULL,
    UNIQUE (target_type, target_id, url)
);
CREATE INDEX items_unit_date ON items (unit_id, pub_date);

-- Findings: one row per (target, check, evidence key).
CREATE TABLE findings (
    id            bigserial PRIMARY KEY,
    check_code    text NOT NULL,
    severity      text NOT NULL CHECK (severity IN ('veto', 'deduct', 'warn')),
    points        numeric(6, 2) NOT NULL DEFAULT 0,
    indicator     text,                     -- scoring group from the rules profile
    target_type   text NOT NULL CHECK (target_type IN ('site', 'column', 'account')),
    target_id     text NOT NULL,
    site_id       text,
    unit_id       text,
    evidence_key  text NOT NULL DEFAULT '',
    evidence_url  text,
    evidence      text NOT NULL DEFAULT '',
    first_seen    date NOT NULL,
    last_seen     date NOT NULL,
    status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'rectified')),
    rectified_on  date,
    recurrences   integer NOT NULL DEFAULT 0,  -- times it came back after having been rectified
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (target_type, target_id, check_code, evidence_key)
);
CREATE INDEX findings_status ON findings (status, check_code);
CREATE INDEX findings_unit ON findings (unit_id);

-- Each date on which a finding was seen, with the run kind that saw it. first_seen / last_seen in
-- findings are derived from these; a re-run of the same kind on the same date replaces its sightings.
CREATE TABLE finding_sightings (
    finding_id  bigint NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
    as_of       date NOT NULL,
    run_kind    text NOT NULL,
    PRIMARY KEY (finding_id, as_of, run_kind)
);
CREATE INDEX finding_sightings_asof ON finding_sightings (as_of);

-- Status history of findings (opened, rectified, reopened): recurrence is read from here.
CREATE TABLE finding_events (
    id          bigserial PRIMARY KEY,
    finding_id  bigint NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
    as_of       date NOT NULL,
    event       text NOT NULL CHECK (event IN ('opened', 'rectified', 'reopened')),
    run_kind    text NOT NULL,
    UNIQUE (finding_id, as_of, event)
);

-- Scores per target and as-of date.
CREATE TABLE scores (
    as_of        date NOT NULL,
    target_type  text NOT NULL CHECK (target_type IN ('site', 'account')),
    target_id    text NOT NULL,
    score        numeric(6, 2),
    vetoed       boolean NOT NULL,
    passed       boolean NOT NULL,
    details      jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (as_of, target_type, target_id)
);

-- The rectification ledger (整改台账): one item per open veto / deduct finding.
CREATE TABLE rectifications (
    finding_id    bigint PRIMARY KEY REFERENCES findings(id),
    unit_id       text NOT NULL,
    found_on      date NOT NULL,
    due_on        date NOT NULL,
    state         text NOT NULL CHECK (state IN ('open', 'reported', 'verified', 'overdue')),
    reported_on   date,
    report_note   text,
    verified_on   date,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rectifications_unit ON rectifications (unit_id, state);

CREATE TABLE rectification_events (
    id          bigserial PRIMARY KEY,
    finding_id  bigint NOT NULL REFERENCES rectifications(finding_id),
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text NOT NULL,
    from_state  text,
    to_state    text NOT NULL,
    note        text
);

-- Outbox: every message is written here (with its dedup key) before anything is sent.
CREATE TABLE outbox (
    id               bigserial PRIMARY KEY,
    dedup_key        text NOT NULL UNIQUE,    -- unit | kind | day | channel
    channel          text NOT NULL CHECK (channel IN ('email', 'sms', 'webhook')),
    kind             text NOT NULL,           -- reminder | due | overdue | escalation | notice | alert
    unit_id          text,
    day              date NOT NULL,
    recipients       jsonb NOT NULL DEFAULT '[]',
    subject          text NOT NULL DEFAULT '',
    body_text        text NOT NULL,
    body_html        text,
    attachments      jsonb NOT NULL DEFAULT '[]',
    status           text NOT NULL DEFAULT 'pending'
                       CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'held')),
    not_before       timestamptz NOT NULL DEFAULT now(),
    attempts         integer NOT NULL DEFAULT 0,
    last_error       text,
    provider_answer  text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz
);
CREATE INDEX outbox_pending ON outbox (status, not_before);

CREATE TABLE outbox_attempts (
    id          bigserial PRIMARY KEY,
    outbox_id   bigint NOT NULL REFERENCES outbox(id),
    at          timestamptz NOT NULL DEFAULT now(),
    ok          boolean NOT NULL,
    answer      text
);

-- Rendered notices and reports.
CREATE TABLE notices (
    id           bigserial PRIMARY KEY,
    kind         text NOT NULL,             -- monthly | bulletin | unit | publications
    period       text NOT NULL,             -- YYYY-MM
    unit_id      text NOT NULL DEFAULT '',
    format       text NOT NULL,             -- html | md | docx
    path         text NOT NULL,
    sha256       text NOT NULL,
    rendered_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, period, unit_id, format)
);
