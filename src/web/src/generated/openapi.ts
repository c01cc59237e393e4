// Generated from docs/openapi.json by scripts/openapi-client.ts (npm run docs). Do not edit.

export interface paths {
    "/api/v1/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Hub health: each connection with its security, tags, ingest rate and historian backlog
         * @description Needs role `viewer` or higher.
         */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/health/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness probe: 200 while the process serves requests
         * @description Public: needs no session or token.
         */
        get: operations["getLiveness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in with user name and password; sets the HttpOnly session cookie and the CSRF cookie
         * @description Public: needs no session or token.
         */
        post: operations["login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign out: ends the session and clears its cookies
         * @description Needs role `viewer` or higher.
         */
        post: operations["logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who the request is signed in as (role, scope) and the session CSRF token
         * @description Needs role `viewer` or higher.
         */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/auth/setup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Whether first-start setup is pending (no user exists yet)
         * @description Public: needs no session or token.
         */
        get: operations["getSetupState"];
        put?: never;
        /**
         * First start: create the first admin with the one-time setup token from the hub log, and sign in
         * @description Public: needs no session or token.
         */
        post: operations["setUp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Local users with role, scope and lock state
         * @description Needs role `admin` or higher.
         */
        get: operations["listUsers"];
        put?: never;
        /**
         * Create a local user
         * @description Needs role `admin` or higher.
         */
        post: operations["createUser"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/users/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Delete a user (ends their sessions)
         * @description Needs role `admin` or higher.
         */
        delete: operations["deleteUser"];
        options?: never;
        head?: never;
        /**
         * Change a user's role, scope, password or disabled flag (ends the user's sessions)
         * @description Needs role `admin` or higher.
         */
        patch: operations["updateUser"];
        trace?: never;
    };
    "/api/v1/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * API tokens (never their secrets)
         * @description Needs role `admin` or higher.
         */
        get: operations["listTokens"];
        put?: never;
        /**
         * Create an API token for a machine client; the secret is in this reply only
         * @description Needs role `admin` or higher.
         */
        post: operations["createToken"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tokens/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke an API token (takes effect on the next request)
         * @description Needs role `admin` or higher.
         */
        delete: operations["revokeToken"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tags": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List and search tags with metadata and lineage
         * @description Needs role `viewer` or higher.
         */
        get: operations["listTags"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/tags/{tagId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One tag by id (its unified-namespace path), e.g. /tags/acme/zurich/machining/line1/cnc1/spindle/speed
         * @description Needs role `viewer` or higher, and the asset named must lie in the caller’s scope.
         */
        get: operations["getTag"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/assets": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The ISA-95 asset tree (enterprise / site / area / line / machine) with tag counts
         * @description Needs role `viewer` or higher.
         */
        get: operations["getAssetTree"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/values/latest": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Latest value of tags (by id, or every tag at or below an asset)
         * @description Needs role `viewer` or higher, and the asset named must lie in the caller’s scope.
         */
        get: operations["getLatestValues"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/history/raw": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Raw stored values of one tag in a time range, paged
         * @description Needs role `viewer` or higher, and the asset named must lie in the caller’s scope.
         */
        get: operations["getRawHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/history/aggregate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Aggregates of one tag in time buckets (min, max, avg, twa, first, last, count); Good samples only
         * @description Needs role `viewer` or higher, and the asset named must lie in the caller’s scope.
         */
        get: operations["getAggregateHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Hub events: connection lost/restored (gaps), revised subscriptions, rejected tags
         * @description Needs role `viewer` or higher.
         */
        get: operations["listEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/trend": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Downsampled trend of tags for plotting: min/max/first/last per pixel bucket, gaps as null
         * @description M4 downsampling from the historian aggregates: peaks are exact at pixel resolution; Bad/Uncertain quality and recorded gaps are `null` (never interpolated across). Times are epoch ms.
         *
         *     Needs role `viewer` or higher, and the asset named must lie in the caller’s scope.
         */
        get: operations["getTrend"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/history/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * CSV export of tags in a time range: raw values with timestamps and StatusCodes, or per bucket
         * @description Raw: one row per stored value (`tag,unit,source_timestamp,server_timestamp,value,status_code,status`). With `bucket`: one row per tag and bucket (`tag,unit,bucket_start,count,bad_count,min,max,avg,first,last`). Timestamps are ISO 8601 UTC; with `tz` a `local_time` column in that zone follows.
         *
         *     Needs role `viewer` or higher, and the asset named must lie in the caller’s scope.
         */
        get: operations["exportHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/connections": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every connection: state, security mode/policy, server certificate and its trust, subscription statistics, recent events
         * @description Needs role `viewer` or higher.
         */
        get: operations["listConnections"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/sites": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Configured sites with their time zones
         * @description Needs role `viewer` or higher.
         */
        get: operations["listSites"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/kpi/machines": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Machines the KPI engine computes for, with their role and the tags each KPI comes from
         * @description Needs role `viewer` or higher.
         */
        get: operations["listKpiMachines"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/kpi/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * KPIs, elements and the loss waterfall of a scope for a range, a shift (current = live) or a day; per machine too
         * @description Needs role `viewer` or higher, and the asset named must lie in the caller’s scope.
         */
        get: operations["getKpiSummary"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/kpi/series": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * KPIs per hour, shift, day, week or month (OEE per shift over time, energy per part over time); closed periods come from the store
         * @description Needs role `viewer` or higher, and the asset named must lie in the caller’s scope.
         */
        get: operations["getKpiSeries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/kpi/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The KPI table of a series as CSV (one row per period, KPIs and ISO 22400-2 elements)
         * @description Needs role `viewer` or higher, and the asset named must lie in the caller’s scope.
         */
        get: operations["exportKpiSeries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/kpi/stops": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Unplanned stops (setup, delay, failure, repair) with their reasons
         * @description Needs role `viewer` or higher, and the asset named must lie in the caller’s scope.
         */
        get: operations["listStops"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/kpi/stops/reason": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Give an unplanned stop a reason from the reason tree (null clears it)
         * @description Needs role `operator` or higher, and the asset named must lie in the caller’s scope.
         */
        put: operations["setStopReason"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/kpi/pareto": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Pareto of stop reasons: planned busy time lost per reason (or per state when unassigned)
         * @description Needs role `viewer` or higher, and the asset named must lie in the caller’s scope.
         */
        get: operations["getLossPareto"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/kpi/reasons": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The reason tree for unplanned stops, each reason with its Six Big Losses group
         * @description Needs role `viewer` or higher.
         */
        get: operations["listStopReasons"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/kpi/shifts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Shift instances (with planned breaks) in a range, in the scope’s time zone
         * @description Needs role `viewer` or higher, and the asset named must lie in the caller’s scope.
         */
        get: operations["listShifts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/kpi/timeline": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Drill-down: the state timeline, shifts, counter increments and energy per quarter hour behind a machine’s figures
         * @description Needs role `viewer` or higher, and the asset named must lie in the caller’s scope.
         */
        get: operations["getKpiTimeline"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pdm/machines": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Fleet view: every modelled machine with health index, anomaly, RUL per failure mode, ranked by risk
         * @description Needs role `viewer` or higher.
         */
        get: operations["getPdmMachines"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pdm/machine": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One machine's health with the evidence: contributors, RUL with 80 % interval, its recent pdm events
         * @description Needs role `viewer` or higher, and the asset named must lie in the caller’s scope.
         */
        get: operations["getPdmMachine"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pdm/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Predictive-maintenance events with their evidence (anomaly timeline), newest first
         * @description Needs role `viewer` or higher, and the asset named must lie in the caller’s scope.
         */
        get: operations["getPdmEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/rules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Rules with their current version
         * @description Needs role `viewer` or higher.
         */
        get: operations["getRules"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/rules/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One rule and its version history (newest first)
         * @description Needs role `viewer` or higher.
         */
        get: operations["getRulesById"];
        /**
         * Create or replace a rule (validated like the YAML; a new version is stored and audited)
         * @description Needs role `engineer` or higher.
         */
        put: operations["putRulesById"];
        post?: never;
        /**
         * Delete a rule (a version that deletes it is stored; the history stays)
         * @description Needs role `engineer` or higher.
         */
        delete: operations["deleteRulesById"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workorders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Work orders, newest first
         * @description Needs role `viewer` or higher.
         */
        get: operations["getWorkorders"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workorders/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One work order with its history
         * @description Needs role `viewer` or higher.
         */
        get: operations["getWorkordersById"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/workorders/{id}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Move a work order: planned (auto-plans), in_progress, done (runs its completion call), cancelled
         * @description Needs role `operator` or higher.
         */
        post: operations["postWorkordersByIdStatus"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/maintenance/calendar": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Planned-downtime windows, the production schedule and planned work orders in a range
         * @description Needs role `viewer` or higher.
         */
        get: operations["getMaintenanceCalendar"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/maintenance/schedule": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add a production-schedule entry: a planned-downtime window, or a production run (cut out of windows)
         * @description Needs role `engineer` or higher.
         */
        post: operations["postMaintenanceSchedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/maintenance/schedule/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove a production-schedule entry
         * @description Needs role `engineer` or higher.
         */
        delete: operations["deleteMaintenanceScheduleById"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/delivery/connectors": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Configured connectors (SAP PM, webhooks, e-mail, MQTT, HTTP)
         * @description Needs role `viewer` or higher.
         */
        get: operations["getDeliveryConnectors"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/delivery/entries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Outbox entries in one state (pending backlog, delivered, dead letters, discarded)
         * @description Needs role `engineer` or higher.
         */
        get: operations["getDeliveryEntries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/delivery/dead-letters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Dead letters: entries refused permanently, held back by classification, or failing past retry.deadAfter
         * @description Needs role `engineer` or higher.
         */
        get: operations["getDeliveryDeadLetters"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/delivery/dead-letters/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Queue a dead letter again (attempts reset, due now); audited
         * @description Needs role `engineer` or higher.
         */
        post: operations["postDeliveryDeadLettersByIdRetry"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/delivery/dead-letters/{id}/discard": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Discard a dead letter (never sent; kept for the record); audited
         * @description Needs role `engineer` or higher.
         */
        post: operations["postDeliveryDeadLettersByIdDiscard"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/connectors/{name}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Inbound status update from an ERP/CMMS (signed with X-Gotthard-Signature or a bearer token)
         * @description Body: `{ "workOrderId"?: "WO-000042", "externalId"?: "10000123", "status": "open|planned|in_progress|done|cancelled", "note"?: "…" }`. See docs/connectors.md.
         *
         *     Public: needs no session or token.
         */
        post: operations["postConnectorsByNameStatus"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Import history of existing tags from CSV: tag id, source timestamp, value[, status] per line
         * @description Send the file as the body with content-type text/csv. Rows with errors are reported by line number and skipped. Every valid row is compared with what is stored at its (tag, source timestamp): `accepted` (nothing stored, now stored), `unchanged` (same value and status stored) or `conflicting` (a different value is stored and kept). With `mode=correct` conflicting rows replace the stored value (`corrected`), each replacement is written to the audit log with old and new value and status (action `history.correct`). Every accepted or corrected row is durable when the reply comes; KPIs of the touched periods are recomputed on demand.
         *
         *     Needs role `engineer` or higher.
         */
        post: operations["importHistory"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/history/dataset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Raw history of tags over a range as a data set: CSV in the import format, or Parquet (for pandas, polars, DuckDB)
         * @description Needs role `viewer` or higher, and the asset named must lie in the caller’s scope.
         */
        get: operations["getHistoryDataset"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/machines/allowlist": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What may be written and called: tag globs with type and range, methods per asset glob
         * @description Needs role `engineer` or higher.
         */
        get: operations["getMachinesAllowlist"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/machines/write": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Write a value to a machine (OPC UA Write) through the allowlist; audited
         * @description Needs role `engineer` or higher, and the asset named must lie in the caller’s scope.
         */
        post: operations["postMachinesWrite"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/machines/call": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Call a method on a machine (OPC UA Call), e.g. ResetWear, through the allowlist; audited
         * @description Needs role `engineer` or higher, and the asset named must lie in the caller’s scope.
         */
        post: operations["postMachinesCall"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Audit entries, newest first, with filters
         * @description Needs role `admin` or higher.
         */
        get: operations["listAuditRecords"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Check the hash chain: every edited, removed or reordered entry, named
         * @description Needs role `admin` or higher.
         */
        get: operations["verifyAuditLog"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/audit/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Download audit entries as JSON Lines or CSV (the export itself is audited)
         * @description Needs role `admin` or higher.
         */
        get: operations["exportAuditLog"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pki": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The hub's own certificate, trusted and rejected server certificates, CA issuers and CRLs
         * @description Needs role `engineer` or higher.
         */
        get: operations["getPki"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pki/certificates/{thumbprint}/trust": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Trust a (rejected) server certificate
         * @description Needs role `admin` or higher.
         */
        post: operations["postPkiCertificatesByThumbprintTrust"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pki/certificates/{thumbprint}/reject": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Reject a trusted server certificate; sources connected with it are restarted (their sessions end)
         * @description Needs role `admin` or higher.
         */
        post: operations["postPkiCertificatesByThumbprintReject"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pki/certificates/{thumbprint}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove a trusted or rejected server certificate; sources connected with it are restarted
         * @description Needs role `admin` or higher.
         */
        delete: operations["deletePkiCertificatesByThumbprint"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pki/certificates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Trust a server certificate given as PEM
         * @description Needs role `admin` or higher.
         */
        post: operations["postPkiCertificates"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pki/issuers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add a CA certificate (PEM) to issuers; `trust: true` also trusts everything it signed
         * @description Needs role `admin` or higher.
         */
        post: operations["postPkiIssuers"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pki/issuers/{thumbprint}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Remove a CA certificate from issuers
         * @description Needs role `admin` or higher.
         */
        delete: operations["deletePkiIssuersByThumbprint"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pki/crls": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add a certificate revocation list (PEM) for a CA in issuers or trusted
         * @description Needs role `admin` or higher.
         */
        post: operations["postPkiCrls"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/pki/own/renew": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Renew the hub's own certificate (same key, trust lists kept); servers must trust the new one
         * @description Needs role `admin` or higher.
         */
        post: operations["postPkiOwnRenew"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalog": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Data catalog: lineage, governance and data quality of every tag
         * @description Needs role `viewer` or higher.
         */
        get: operations["getCatalog"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        ErrorReply: {
            error: {
                /** @description Stable error code from the catalogue, e.g. GT_BAD_REQUEST. */
                code: string;
                /** @description What was wrong, where, and what to do. */
                message: string;
            };
        };
        Lineage: {
            /** @description Source connection name from the config. */
            source: string;
            /** @description OPC UA endpoint URL. */
            endpoint: string;
            /** @description NodeId with namespace URI (nsu=…). */
            nodeId: string;
            browsePath?: string;
        };
        Tag: {
            /** @description Stable tag id = unified-namespace path. */
            id: string;
            assetPath: string;
            name: string;
            description?: string;
            dataType: string;
            unit?: string;
            euRange?: {
                low: number;
                high: number;
            };
            retentionClass?: string;
            lineage: components["schemas"]["Lineage"];
        };
        Sample: {
            /** @description Source timestamp, ISO 8601. */
            ts: string;
            /** @description Server timestamp, ISO 8601. */
            serverTs: string;
            value: number | string | (never | null);
            /** @description OPC UA StatusCode (32-bit). */
            statusCode: number;
            /** @description StatusCode name, e.g. Good, BadNoCommunication. */
            status: string;
        };
        SourceHealth: {
            name: string;
            /** @description Source kind: opcua, modbus, mqtt. */
            kind: string;
            /** @description The peer, without secrets. */
            endpoint: string;
            /** @description connecting, connected, reconnecting, disconnected, failed or stopped. */
            state: string;
            tags: number;
            rejectedTags: number;
            valuesReceived: number;
            lastValueAt?: string;
            /** @description Last value or keep-alive received: what the liveness check looks at. */
            lastContactAt?: string;
            connectedSince?: string;
            reconnects: number;
            lastError?: string;
            /** @description Per-kind details (security and monitored items for OPC UA, request counters for Modbus, subscriptions for MQTT). */
            details: {
                [key: string]: string | number | boolean;
            };
        };
        AssetNode: {
            path: string;
            id: string;
            name: string;
            /** @description enterprise, site, area, line, machine or component */
            level: string;
            description?: string;
            tagCount: number;
            children: components["schemas"]["AssetNode"][];
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        status: "ok" | "degraded";
                        version: string;
                        startedAt: string;
                        uptimeS: number;
                        sources: components["schemas"]["SourceHealth"][];
                        historian: {
                            accepted: number;
                            persisted: number;
                            /** @description Values accepted but not yet durable. */
                            backlog: number;
                            diskBytes: number;
                            lastFlushAt?: string;
                            /** @description Why the last write failed (e.g. disk full); values are kept and retried. */
                            lastError?: string;
                        };
                        ingest: {
                            /** @description Average over the last 9 s. */
                            valuesPerSecond: number;
                            totalValues: number;
                        };
                        /** @description Event-loop delay of the hub process over the last window (perf_hooks.monitorEventLoopDelay): collection shares this loop, so a read that blocks it shows here first. */
                        eventLoop?: {
                            windowS: number;
                            p50Ms: number;
                            p99Ms: number;
                            maxMs: number;
                        };
                        /** @description Outbound sinks with store-and-forward: the UNS publisher, and each delivery connector (`queued` = entries waiting, `dropped` = dead letters, `oldestSourceTs` = oldest waiting entry). */
                        sinks: {
                            name: string;
                            /** @description `mqtt-json` or `mqtt-sparkplug` (UNS); `delivery-<kind>` for a connector (docs/connectors.md). */
                            kind: string;
                            /** @description Broker URL, without credentials. */
                            target: string;
                            state: "connected" | "disconnected" | "stopped";
                            /** @description Values accepted and not yet acknowledged by the broker (in the store-and-forward outbox or about to be appended to it). */
                            queued: number;
                            /** @description The outbox bound. */
                            maxRows: number;
                            /** @description Policy at the bound: `dropOldest` or `dropNewest`. */
                            overflow: string;
                            appended: number;
                            /** @description Values the broker acknowledged since start. */
                            delivered: number;
                            /** @description Values discarded by the overflow policy since start. */
                            dropped: number;
                            oldestSourceTs?: string;
                            diskBytes: number;
                            lastDeliveredAt?: string;
                            lastError?: string;
                        }[];
                        /** @description One source per tag id (docs/security.md, tag ownership). */
                        tagOwnership?: {
                            /** @description Tag declarations refused: the id belongs to another source. */
                            collisions: number;
                            /** @description Values (and gap markers) dropped for those declarations. */
                            refusedValues: number;
                            bySource: {
                                [key: string]: {
                                    collisions: number;
                                    refusedValues: number;
                                };
                            };
                        };
                    };
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    getLiveness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        status: "ok";
                    };
                };
            };
        };
    };
    login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "mes-integration",
                 *       "password": "correct horse battery staple"
                 *     }
                 */
                "application/json": {
                    name: string;
                    password: string;
                };
            };
        };
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "principal": {
                     *         "kind": "user",
                     *         "name": "mes-integration",
                     *         "role": "viewer",
                     *         "scope": []
                     *       },
                     *       "csrf": "q3b1T0cE8m0pXy2kR8u3Qw"
                     *     }
                     */
                    "application/json": {
                        principal: {
                            /** @description `user` or `token`. */
                            kind: string;
                            name: string;
                            /** @description viewer < operator < engineer < admin */
                            role: "viewer" | "operator" | "engineer" | "admin";
                            scope: string[];
                        };
                        /** @description Send it as `x-csrf-token` on POST/PUT/PATCH/DELETE (also in the gotthard_csrf cookie). */
                        csrf?: string;
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `FST_ERR_CTP_BODY_TOO_LARGE`: the body is larger than the configured limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_LOCKED_OUT`: too many failed sign-ins; retry after the time the message names. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        ok: boolean;
                    };
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        principal: {
                            /** @description `user` or `token`. */
                            kind: string;
                            name: string;
                            /** @description viewer < operator < engineer < admin */
                            role: "viewer" | "operator" | "engineer" | "admin";
                            scope: string[];
                        };
                        /** @description Send it as `x-csrf-token` on POST/PUT/PATCH/DELETE (also in the gotthard_csrf cookie). */
                        csrf?: string;
                    };
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    getSetupState: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        pending: boolean;
                    };
                };
            };
        };
    };
    setUp: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    token: string;
                    name: string;
                    password: string;
                };
            };
        };
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        principal: {
                            /** @description `user` or `token`. */
                            kind: string;
                            name: string;
                            /** @description viewer < operator < engineer < admin */
                            role: "viewer" | "operator" | "engineer" | "admin";
                            scope: string[];
                        };
                        /** @description Send it as `x-csrf-token` on POST/PUT/PATCH/DELETE (also in the gotthard_csrf cookie). */
                        csrf?: string;
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_CONFLICT`: the request conflicts with the current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `FST_ERR_CTP_BODY_TOO_LARGE`: the body is larger than the configured limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    listUsers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        users: {
                            name: string;
                            /** @description viewer < operator < engineer < admin */
                            role: "viewer" | "operator" | "engineer" | "admin";
                            scope: string[];
                            disabled: boolean;
                            /** @description Locked out after repeated failed sign-ins; setting a password unlocks. */
                            locked: boolean;
                            createdAt: string;
                            updatedAt: string;
                        }[];
                    };
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    createUser: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    name: string;
                    /** @description viewer < operator < engineer < admin */
                    role: "viewer" | "operator" | "engineer" | "admin";
                    /** @description Asset paths the principal is limited to; empty = the whole enterprise. */
                    scope?: string[];
                    password: string;
                };
            };
        };
        responses: {
            /** @description Success. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        name: string;
                        /** @description viewer < operator < engineer < admin */
                        role: "viewer" | "operator" | "engineer" | "admin";
                        scope: string[];
                        disabled: boolean;
                        /** @description Locked out after repeated failed sign-ins; setting a password unlocks. */
                        locked: boolean;
                        createdAt: string;
                        updatedAt: string;
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_CONFLICT`: the request conflicts with the current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `FST_ERR_CTP_BODY_TOO_LARGE`: the body is larger than the configured limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    deleteUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        ok: boolean;
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_CONFLICT`: the request conflicts with the current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    updateUser: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description viewer < operator < engineer < admin */
                    role?: "viewer" | "operator" | "engineer" | "admin";
                    /** @description Asset paths the principal is limited to; empty = the whole enterprise. */
                    scope?: string[];
                    password?: string;
                    disabled?: boolean;
                };
            };
        };
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        name: string;
                        /** @description viewer < operator < engineer < admin */
                        role: "viewer" | "operator" | "engineer" | "admin";
                        scope: string[];
                        disabled: boolean;
                        /** @description Locked out after repeated failed sign-ins; setting a password unlocks. */
                        locked: boolean;
                        createdAt: string;
                        updatedAt: string;
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_CONFLICT`: the request conflicts with the current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `FST_ERR_CTP_BODY_TOO_LARGE`: the body is larger than the configured limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    listTokens: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        tokens: {
                            id: string;
                            name: string;
                            /** @description viewer < operator < engineer < admin */
                            role: "viewer" | "operator" | "engineer" | "admin";
                            scope: string[];
                            /** @description `store` (made via the API) or `config` (security.tokens). */
                            source: string;
                            createdBy: string;
                            createdAt?: string;
                            expiresAt?: string;
                            revokedAt?: string;
                            lastUsedAt?: string;
                        }[];
                    };
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    createToken: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "mes-reader",
                 *       "role": "viewer",
                 *       "scope": [
                 *         "acme/zurich/machining"
                 *       ],
                 *       "expiresIn": "90d"
                 *     }
                 */
                "application/json": {
                    name: string;
                    /** @description viewer < operator < engineer < admin */
                    role: "viewer" | "operator" | "engineer" | "admin";
                    /** @description Asset paths the principal is limited to; empty = the whole enterprise. */
                    scope?: string[];
                    /** @description Lifetime, e.g. `90d`, `12h`; omit for a token that does not expire. */
                    expiresIn?: string;
                };
            };
        };
        responses: {
            /** @description Success. */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        token: string;
                        info: {
                            id: string;
                            name: string;
                            /** @description viewer < operator < engineer < admin */
                            role: "viewer" | "operator" | "engineer" | "admin";
                            scope: string[];
                            /** @description `store` (made via the API) or `config` (security.tokens). */
                            source: string;
                            createdBy: string;
                            createdAt?: string;
                            expiresAt?: string;
                            revokedAt?: string;
                            lastUsedAt?: string;
                        };
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `FST_ERR_CTP_BODY_TOO_LARGE`: the body is larger than the configured limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    revokeToken: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        name: string;
                        /** @description viewer < operator < engineer < admin */
                        role: "viewer" | "operator" | "engineer" | "admin";
                        scope: string[];
                        /** @description `store` (made via the API) or `config` (security.tokens). */
                        source: string;
                        createdBy: string;
                        createdAt?: string;
                        expiresAt?: string;
                        revokedAt?: string;
                        lastUsedAt?: string;
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_CONFLICT`: the request conflicts with the current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    listTags: {
        parameters: {
            query?: {
                /**
                 * @description Search in id, name, unit, description and NodeId.
                 * @example spindle
                 */
                q?: string;
                /**
                 * @description Only tags at or below this asset path.
                 * @example acme/zurich/machining/line1/cnc1
                 */
                asset?: string;
                /** @example 100 */
                limit?: number;
                /** @example 0 */
                offset?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "total": 1,
                     *       "tags": [
                     *         {
                     *           "id": "acme/zurich/machining/line1/cnc1/spindle/speed",
                     *           "assetPath": "acme/zurich/machining/line1/cnc1",
                     *           "name": "Speed",
                     *           "description": "Spindle speed",
                     *           "dataType": "Double",
                     *           "unit": "rpm",
                     *           "euRange": {
                     *             "low": 0,
                     *             "high": 24000
                     *           },
                     *           "lineage": {
                     *             "source": "plant",
                     *             "endpoint": "opc.tcp://plc-line1:4840",
                     *             "nodeId": "nsu=urn:gotthard:demo-plant;s=Machining.Line1.CNC1.Spindle.Speed",
                     *             "browsePath": "/Objects/Machining/Line1/CNC1/Spindle/Speed"
                     *           }
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        total: number;
                        tags: components["schemas"]["Tag"][];
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    getTag: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description The id (unified-namespace path); its slashes stay as they are.
                 * @example acme/zurich/machining/line1/cnc1/spindle/speed
                 */
                tagId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "id": "acme/zurich/machining/line1/cnc1/spindle/speed",
                     *       "assetPath": "acme/zurich/machining/line1/cnc1",
                     *       "name": "Speed",
                     *       "description": "Spindle speed",
                     *       "dataType": "Double",
                     *       "unit": "rpm",
                     *       "euRange": {
                     *         "low": 0,
                     *         "high": 24000
                     *       },
                     *       "lineage": {
                     *         "source": "plant",
                     *         "endpoint": "opc.tcp://plc-line1:4840",
                     *         "nodeId": "nsu=urn:gotthard:demo-plant;s=Machining.Line1.CNC1.Spindle.Speed",
                     *         "browsePath": "/Objects/Machining/Line1/CNC1/Spindle/Speed"
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["Tag"];
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    getAssetTree: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AssetNode"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    getLatestValues: {
        parameters: {
            query?: {
                /**
                 * @description Tag id; repeat the parameter for several.
                 * @example acme/zurich/machining/line1/cnc1/spindle/speed
                 */
                tag?: string | string[];
                /** @description Every tag at or below this asset path. */
                asset?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "values": [
                     *         {
                     *           "tagId": "acme/zurich/machining/line1/cnc1/spindle/speed",
                     *           "unit": "rpm",
                     *           "ts": "2026-11-25T08:00:01.250Z",
                     *           "serverTs": "2026-11-25T08:00:01.262Z",
                     *           "value": 11980.5,
                     *           "statusCode": 0,
                     *           "status": "Good"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        values: {
                            tagId: string;
                            unit?: string;
                            ts: string;
                            serverTs: string;
                            value: number | string | (never | null);
                            statusCode: number;
                            status: string;
                        }[];
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    getRawHistory: {
        parameters: {
            query: {
                /**
                 * @description Tag id.
                 * @example acme/zurich/machining/line1/cnc1/spindle/speed
                 */
                tag: string;
                /**
                 * @description ISO 8601, epoch ms, now or now-15m.
                 * @example 2026-11-25T08:00:00Z
                 */
                from?: string;
                /** @example 2026-11-25T09:00:00Z */
                to?: string;
                /** @example 2 */
                limit?: number;
                /** @description From the previous page’s `next`. */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "tagId": "acme/zurich/machining/line1/cnc1/spindle/speed",
                     *       "unit": "rpm",
                     *       "samples": [
                     *         {
                     *           "ts": "2026-11-25T08:00:00.250Z",
                     *           "serverTs": "2026-11-25T08:00:00.262Z",
                     *           "value": 11990,
                     *           "statusCode": 0,
                     *           "status": "Good"
                     *         },
                     *         {
                     *           "ts": "2026-11-25T08:00:01.250Z",
                     *           "serverTs": "2026-11-25T08:00:01.262Z",
                     *           "value": null,
                     *           "statusCode": 2158690304,
                     *           "status": "BadNoCommunication"
                     *         }
                     *       ],
                     *       "next": "MTc2NDA1NzYwMTI1MHwx"
                     *     }
                     */
                    "application/json": {
                        tagId: string;
                        unit?: string;
                        samples: components["schemas"]["Sample"][];
                        /** @description Pass as `cursor` for the next page. */
                        next?: string;
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_LOCKED_OUT`: too many failed sign-ins; retry after the time the message names. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description The feature is not enabled or not running (`GT_NOT_CONNECTED`, `GT_HISTORIAN_CLOSED`). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    getAggregateHistory: {
        parameters: {
            query: {
                /** @description Tag id. */
                tag: string;
                from?: string;
                to?: string;
                /** @description Bucket width, e.g. 1m. Default: (to-from)/buckets. */
                bucket?: string;
                buckets?: number;
                /** @description Comma-separated: min, max, avg, twa, first, last, count. */
                fn?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        tagId: string;
                        unit?: string;
                        bucketMs: number;
                        buckets: {
                            /** @description Bucket start. */
                            ts: string;
                            /** @description Good samples in the bucket. */
                            count: number;
                            /** @description Uncertain and Bad samples (left out of the aggregates). */
                            badCount: number;
                            min?: number | null;
                            max?: number | null;
                            avg?: number | null;
                            twa?: number | null;
                            first?: number | null;
                            last?: number | null;
                            firstTs?: string | null;
                            lastTs?: string | null;
                        }[];
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_LOCKED_OUT`: too many failed sign-ins; retry after the time the message names. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description The feature is not enabled or not running (`GT_NOT_CONNECTED`, `GT_HISTORIAN_CLOSED`). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    listEvents: {
        parameters: {
            query?: {
                from?: string;
                to?: string;
                source?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        events: {
                            ts: string;
                            kind: string;
                            severity: string;
                            source?: string;
                            message: string;
                            details?: {
                                [key: string]: unknown;
                            };
                        }[];
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_LOCKED_OUT`: too many failed sign-ins; retry after the time the message names. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description The feature is not enabled or not running (`GT_NOT_CONNECTED`, `GT_HISTORIAN_CLOSED`). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    getTrend: {
        parameters: {
            query: {
                /**
                 * @description Tag id; repeat the parameter for several.
                 * @example acme/zurich/machining/line1/cnc1/spindle/speed
                 */
                tag: string | string[];
                /**
                 * @description ISO 8601, epoch ms, now or now-15m.
                 * @example now-15m
                 */
                from?: string;
                /** @example now */
                to?: string;
                /**
                 * @description Upper bound of points per tag; ask for about 4 × the plot width in pixels.
                 * @example 2000
                 */
                maxPoints?: number;
                /** @description Draw a stretch without any sample longer than this as a gap, e.g. 5m. */
                maxGap?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "from": 1764057600000,
                     *       "to": 1764058500000,
                     *       "bucketMs": 450,
                     *       "series": [
                     *         {
                     *           "tagId": "acme/zurich/machining/line1/cnc1/spindle/speed",
                     *           "name": "Speed",
                     *           "unit": "rpm",
                     *           "dataType": "Double",
                     *           "interpolation": "linear",
                     *           "t": [
                     *             1764057600000,
                     *             1764057600450,
                     *             1764057600900
                     *           ],
                     *           "v": [
                     *             11990,
                     *             12004.5,
                     *             null
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        from: number;
                        to: number;
                        bucketMs: number;
                        series: {
                            tagId: string;
                            name: string;
                            unit?: string;
                            dataType: string;
                            /** @description `step` for discrete values (integers, booleans, states, counters): the value holds until the next. */
                            interpolation: "linear" | "step";
                            /** @description Epoch milliseconds. */
                            t: number[];
                            /** @description `null` = gap (no data or Bad quality). */
                            v: (number | null)[];
                        }[];
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_LOCKED_OUT`: too many failed sign-ins; retry after the time the message names. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description The feature is not enabled or not running (`GT_NOT_CONNECTED`, `GT_HISTORIAN_CLOSED`). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    exportHistory: {
        parameters: {
            query: {
                /** @description Tag id; repeat the parameter for several. */
                tag: string | string[];
                from?: string;
                to?: string;
                /** @description Aggregate per bucket of this width, e.g. 1m. */
                bucket?: string;
                /** @description IANA time zone for the local_time column. */
                tz?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description CSV, RFC 4180, UTF-8. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv": string;
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_LOCKED_OUT`: too many failed sign-ins; retry after the time the message names. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description The feature is not enabled or not running (`GT_NOT_CONNECTED`, `GT_HISTORIAN_CLOSED`). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    listConnections: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        connections: {
                            name: string;
                            /** @description Source kind: opcua, modbus, mqtt. */
                            kind: string;
                            /** @description The peer, without secrets. */
                            endpoint: string;
                            /** @description connecting, connected, reconnecting, disconnected, failed or stopped. */
                            state: string;
                            tags: number;
                            rejectedTags: number;
                            valuesReceived: number;
                            lastValueAt?: string;
                            /** @description Last value or keep-alive received: what the liveness check looks at. */
                            lastContactAt?: string;
                            connectedSince?: string;
                            reconnects: number;
                            lastError?: string;
                            /** @description Per-kind details (security and monitored items for OPC UA, request counters for Modbus, subscriptions for MQTT). */
                            details: {
                                [key: string]: string | number | boolean;
                            };
                            certificate?: {
                                /** @description SHA-1 thumbprint of the server certificate, hex. */
                                thumbprint: string;
                                /** @description State in the hub PKI; `rejected` certificates are trusted with `gotthard pki trust`. */
                                trust: "trusted" | "rejected" | "unknown";
                                subject?: string;
                                notAfter?: string;
                                expired?: boolean;
                            };
                            /** @description The last 50 events of this connection. */
                            events: {
                                ts: string;
                                kind: string;
                                severity: string;
                                message: string;
                                details?: {
                                    [key: string]: unknown;
                                };
                            }[];
                        }[];
                    };
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    listSites: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        sites: {
                            path: string;
                            id: string;
                            name: string;
                            /** @description IANA time zone; the dashboard shows times in it. */
                            timezone: string;
                        }[];
                    };
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    listKpiMachines: {
        parameters: {
            query?: {
                /** @description Asset path: machine, line, area, site (empty = all). */
                asset?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        machines: {
                            asset: string;
                            /** @description production, utility or meter */
                            role: string;
                            timezone: string;
                            tags: {
                                [key: string]: string;
                            };
                        }[];
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description The feature is not enabled or not running (`GT_NOT_CONNECTED`, `GT_HISTORIAN_CLOSED`). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    getKpiSummary: {
        parameters: {
            query?: {
                /**
                 * @description Asset path: machine, line, area, site (empty = all).
                 * @example acme/zurich/machining/line1
                 */
                asset?: string;
                /** @description ISO 8601, epoch ms, now, now-8h. */
                from?: string;
                /** @description Default now. */
                to?: string;
                /**
                 * @description `current`, `previous` or a shift id like `2026-03-29/night`.
                 * @example current
                 */
                shift?: string;
                /** @description `today`, `yesterday` or a local date `YYYY-MM-DD`. */
                day?: string;
                /** @description `this`, `last` or any local date `YYYY-MM-DD` in the week (weeks begin on Monday, local time). */
                week?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "scope": "acme/zurich/machining/line1",
                     *       "from": "2026-11-25T05:00:00.000Z",
                     *       "to": "2026-11-25T13:00:00.000Z",
                     *       "shift": "2026-11-25/early",
                     *       "timezone": "Europe/Zurich",
                     *       "timeScale": 1,
                     *       "elements": {
                     *         "potMs": 28800000,
                     *         "pdotMs": 1800000,
                     *         "pbtMs": 27000000,
                     *         "aptMs": 24570000,
                     *         "adotMs": 1890000,
                     *         "gq": 284,
                     *         "sq": 6
                     *       },
                     *       "kpis": {
                     *         "availability": 0.91,
                     *         "effectiveness": 0.87,
                     *         "quality": 0.98,
                     *         "oee": 0.776,
                     *         "scrapRatio": 0.02,
                     *         "setupRatio": 0.04,
                     *         "technicalEfficiency": 0.93,
                     *         "mtbfMs": 5400000,
                     *         "mttrMs": 420000,
                     *         "throughputPerHour": 41.5,
                     *         "pq": 290,
                     *         "gq": 284,
                     *         "sq": 6,
                     *         "kwh": 61.2,
                     *         "kwhPerGoodPart": 0.2155,
                     *         "idleKwh": 4.1,
                     *         "idleShare": 0.067,
                     *         "energyCost": 12.24,
                     *         "co2eKg": 7.9,
                     *         "peakDemandKw": 14.2,
                     *         "peakDemandAt": "2026-11-25T09:41:00.000Z",
                     *         "unknownShare": 0,
                     *         "flags": []
                     *       },
                     *       "waterfall": [
                     *         {
                     *           "key": "pbt",
                     *           "label": "Planned busy time",
                     *           "kind": "total",
                     *           "ms": 27000000
                     *         },
                     *         {
                     *           "key": "downtime",
                     *           "label": "Unplanned downtime",
                     *           "kind": "loss",
                     *           "ms": 2430000
                     *         },
                     *         {
                     *           "key": "fpt",
                     *           "label": "Fully productive time",
                     *           "kind": "total",
                     *           "ms": 20950000
                     *         }
                     *       ],
                     *       "machines": [
                     *         {
                     *           "asset": "acme/zurich/machining/line1/cnc1",
                     *           "role": "production",
                     *           "elements": {
                     *             "potMs": 28800000,
                     *             "pdotMs": 1800000,
                     *             "pbtMs": 27000000,
                     *             "aptMs": 24570000,
                     *             "adotMs": 1890000,
                     *             "gq": 284,
                     *             "sq": 6
                     *           },
                     *           "kpis": {
                     *             "availability": 0.91,
                     *             "effectiveness": 0.87,
                     *             "quality": 0.98,
                     *             "oee": 0.776,
                     *             "scrapRatio": 0.02,
                     *             "setupRatio": 0.04,
                     *             "technicalEfficiency": 0.93,
                     *             "mtbfMs": 5400000,
                     *             "mttrMs": 420000,
                     *             "throughputPerHour": 41.5,
                     *             "pq": 290,
                     *             "gq": 284,
                     *             "sq": 6,
                     *             "kwh": 61.2,
                     *             "kwhPerGoodPart": 0.2155,
                     *             "idleKwh": 4.1,
                     *             "idleShare": 0.067,
                     *             "energyCost": 12.24,
                     *             "co2eKg": 7.9,
                     *             "peakDemandKw": 14.2,
                     *             "peakDemandAt": "2026-11-25T09:41:00.000Z",
                     *             "unknownShare": 0,
                     *             "flags": []
                     *           },
                     *           "waterfall": [
                     *             {
                     *               "key": "pbt",
                     *               "label": "Planned busy time",
                     *               "kind": "total",
                     *               "ms": 27000000
                     *             },
                     *             {
                     *               "key": "downtime",
                     *               "label": "Unplanned downtime",
                     *               "kind": "loss",
                     *               "ms": 2430000
                     *             },
                     *             {
                     *               "key": "fpt",
                     *               "label": "Fully productive time",
                     *               "kind": "total",
                     *               "ms": 20950000
                     *             }
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": {
                        scope: string;
                        from: string;
                        to: string;
                        shift?: string;
                        timezone: string;
                        /** @description 1 = real time. N: the plant runs N× faster than the hub’s clock (demo `--speed N`); KPIs are computed in its own time base (PRT and power scaled), durations (MTBF, MTTR, throughput per hour) are hub time. */
                        timeScale: number;
                        /** @description ISO 22400-2 elements (times in ms): potMs, pdotMs, pbtMs, aptMs, austMs, adetMs, adotMs, gq, sq, … */
                        elements: {
                            [key: string]: number;
                        };
                        /** @description KPIs (ratios 0..1 by their physics; a figure outside its bound comes with a `flags` entry; null = not defined, e.g. no planned busy time). See docs/kpi.md. */
                        kpis: {
                            availability: number | null;
                            effectiveness: number | null;
                            quality: number | null;
                            oee: number | null;
                            oeeUndefinedBecause?: string;
                            scrapRatio: number | null;
                            setupRatio: number | null;
                            technicalEfficiency: number | null;
                            mtbfMs: number | null;
                            mttrMs: number | null;
                            throughputPerHour: number | null;
                            pq: number;
                            gq: number;
                            sq: number;
                            kwh: number;
                            kwhPerGoodPart: number | null;
                            idleKwh: number;
                            idleShare: number | null;
                            energyCost: number;
                            co2eKg: number;
                            peakDemandKw: number | null;
                            peakDemandAt: string | null;
                            unknownShare: number | null;
                            /** @description Plausibility: a ratio above its physical bound (reported as computed, never capped) and totals a counter drop or jump touched. Empty = plausible. See docs/kpi.md. */
                            flags: {
                                /** @description The figure flagged, e.g. `oee`, `effectiveness`, `pq`, `kwh`. */
                                kpi: string;
                                /** @description Why the figure cannot be trusted as it stands. */
                                reason: "idealCycleTime" | "counterJump" | "counterDrop" | "clock";
                                message: string;
                            }[];
                        };
                        /** @description OEE loss waterfall from POT to fully productive time; losses between PBT and the end add up to PBT. */
                        waterfall: {
                            key: string;
                            label: string;
                            /** @description total or loss */
                            kind: string;
                            ms: number | null;
                        }[];
                        machines: {
                            asset: string;
                            role: string;
                            /** @description ISO 22400-2 elements (times in ms): potMs, pdotMs, pbtMs, aptMs, austMs, adetMs, adotMs, gq, sq, … */
                            elements: {
                                [key: string]: number;
                            };
                            /** @description KPIs (ratios 0..1 by their physics; a figure outside its bound comes with a `flags` entry; null = not defined, e.g. no planned busy time). See docs/kpi.md. */
                            kpis: {
                                availability: number | null;
                                effectiveness: number | null;
                                quality: number | null;
                                oee: number | null;
                                oeeUndefinedBecause?: string;
                                scrapRatio: number | null;
                                setupRatio: number | null;
                                technicalEfficiency: number | null;
                                mtbfMs: number | null;
                                mttrMs: number | null;
                                throughputPerHour: number | null;
                                pq: number;
                                gq: number;
                                sq: number;
                                kwh: number;
                                kwhPerGoodPart: number | null;
                                idleKwh: number;
                                idleShare: number | null;
                                energyCost: number;
                                co2eKg: number;
                                peakDemandKw: number | null;
                                peakDemandAt: string | null;
                                unknownShare: number | null;
                                /** @description Plausibility: a ratio above its physical bound (reported as computed, never capped) and totals a counter drop or jump touched. Empty = plausible. See docs/kpi.md. */
                                flags: {
                                    /** @description The figure flagged, e.g. `oee`, `effectiveness`, `pq`, `kwh`. */
                                    kpi: string;
                                    /** @description Why the figure cannot be trusted as it stands. */
                                    reason: "idealCycleTime" | "counterJump" | "counterDrop" | "clock";
                                    message: string;
                                }[];
                            };
                            /** @description OEE loss waterfall from POT to fully productive time; losses between PBT and the end add up to PBT. */
                            waterfall: {
                                key: string;
                                label: string;
                                /** @description total or loss */
                                kind: string;
                                ms: number | null;
                            }[];
                        }[];
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description The feature is not enabled or not running (`GT_NOT_CONNECTED`, `GT_HISTORIAN_CLOSED`). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    getKpiSeries: {
        parameters: {
            query?: {
                /**
                 * @description Asset path: machine, line, area, site (empty = all).
                 * @example acme/zurich/machining/line1/cnc1
                 */
                asset?: string;
                /** @example shift */
                period?: "hour" | "shift" | "day" | "week" | "month";
                /** @example now-7d */
                from?: string;
                /** @example now */
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        scope: string;
                        period: string;
                        rows: {
                            start: string;
                            end: string;
                            label: string;
                            closed: boolean;
                            /** @description ISO 22400-2 elements (times in ms): potMs, pdotMs, pbtMs, aptMs, austMs, adetMs, adotMs, gq, sq, … */
                            elements: {
                                [key: string]: number;
                            };
                            /** @description KPIs (ratios 0..1 by their physics; a figure outside its bound comes with a `flags` entry; null = not defined, e.g. no planned busy time). See docs/kpi.md. */
                            kpis: {
                                availability: number | null;
                                effectiveness: number | null;
                                quality: number | null;
                                oee: number | null;
                                oeeUndefinedBecause?: string;
                                scrapRatio: number | null;
                                setupRatio: number | null;
                                technicalEfficiency: number | null;
                                mtbfMs: number | null;
                                mttrMs: number | null;
                                throughputPerHour: number | null;
                                pq: number;
                                gq: number;
                                sq: number;
                                kwh: number;
                                kwhPerGoodPart: number | null;
                                idleKwh: number;
                                idleShare: number | null;
                                energyCost: number;
                                co2eKg: number;
                                peakDemandKw: number | null;
                                peakDemandAt: string | null;
                                unknownShare: number | null;
                                /** @description Plausibility: a ratio above its physical bound (reported as computed, never capped) and totals a counter drop or jump touched. Empty = plausible. See docs/kpi.md. */
                                flags: {
                                    /** @description The figure flagged, e.g. `oee`, `effectiveness`, `pq`, `kwh`. */
                                    kpi: string;
                                    /** @description Why the figure cannot be trusted as it stands. */
                                    reason: "idealCycleTime" | "counterJump" | "counterDrop" | "clock";
                                    message: string;
                                }[];
                            };
                            /** @description OEE loss waterfall from POT to fully productive time; losses between PBT and the end add up to PBT. */
                            waterfall: {
                                key: string;
                                label: string;
                                /** @description total or loss */
                                kind: string;
                                ms: number | null;
                            }[];
                        }[];
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description The feature is not enabled or not running (`GT_NOT_CONNECTED`, `GT_HISTORIAN_CLOSED`). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    exportKpiSeries: {
        parameters: {
            query?: {
                /** @description Asset path: machine, line, area, site (empty = all). */
                asset?: string;
                period?: "hour" | "shift" | "day" | "week" | "month";
                from?: string;
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv": string;
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description The feature is not enabled or not running (`GT_NOT_CONNECTED`, `GT_HISTORIAN_CLOSED`). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    listStops: {
        parameters: {
            query?: {
                /** @description Asset path: machine, line, area, site (empty = all). */
                asset?: string;
                /** @description ISO 8601, epoch ms, now, now-8h. */
                from?: string;
                /** @description Default now. */
                to?: string;
                /** @description `current`, `previous` or a shift id like `2026-03-29/night`. */
                shift?: string;
                /** @description `today`, `yesterday` or a local date `YYYY-MM-DD`. */
                day?: string;
                /** @description `this`, `last` or any local date `YYYY-MM-DD` in the week (weeks begin on Monday, local time). */
                week?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        stops: {
                            machine: string;
                            /** @description Start of the stop; with `machine` its identity for PUT /kpi/stops/reason. */
                            start: string;
                            end: string;
                            ongoing: boolean;
                            state: string;
                            value: number | null;
                            /** @description Planned busy time the stop took inside the range. */
                            lostMs: number;
                            /** @description Six Big Losses group. */
                            loss: string;
                            reason?: string;
                        }[];
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description The feature is not enabled or not running (`GT_NOT_CONNECTED`, `GT_HISTORIAN_CLOSED`). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    setStopReason: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    machine: string;
                    /** @description The stop’s `start` as GET /kpi/stops returns it. */
                    start: string;
                    reason: string | null;
                    comment?: string;
                };
            };
        };
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        ok: boolean;
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `FST_ERR_CTP_BODY_TOO_LARGE`: the body is larger than the configured limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description The feature is not enabled or not running (`GT_NOT_CONNECTED`, `GT_HISTORIAN_CLOSED`). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    getLossPareto: {
        parameters: {
            query?: {
                /** @description Asset path: machine, line, area, site (empty = all). */
                asset?: string;
                /** @description ISO 8601, epoch ms, now, now-8h. */
                from?: string;
                /** @description Default now. */
                to?: string;
                /** @description `current`, `previous` or a shift id like `2026-03-29/night`. */
                shift?: string;
                /** @description `today`, `yesterday` or a local date `YYYY-MM-DD`. */
                day?: string;
                /** @description `this`, `last` or any local date `YYYY-MM-DD` in the week (weeks begin on Monday, local time). */
                week?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        rows: {
                            key: string;
                            label: string;
                            loss: string;
                            lostMs: number;
                            count: number;
                            cumulativeShare: number;
                        }[];
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description The feature is not enabled or not running (`GT_NOT_CONNECTED`, `GT_HISTORIAN_CLOSED`). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    listStopReasons: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        reasons: {
                            id: string;
                            name: string;
                            loss: string;
                            path: string[];
                            leaf: boolean;
                        }[];
                    };
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description The feature is not enabled or not running (`GT_NOT_CONNECTED`, `GT_HISTORIAN_CLOSED`). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    listShifts: {
        parameters: {
            query?: {
                /** @description Asset path: machine, line, area, site (empty = all). */
                asset?: string;
                from?: string;
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        timezone: string;
                        shifts: {
                            id: string;
                            name: string;
                            start: string;
                            end: string;
                            breaks: {
                                name: string;
                                start: string;
                                end: string;
                            }[];
                        }[];
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description The feature is not enabled or not running (`GT_NOT_CONNECTED`, `GT_HISTORIAN_CLOSED`). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    getKpiTimeline: {
        parameters: {
            query: {
                machine: string;
                from?: string;
                to?: string;
                shift?: string;
                day?: string;
                /** @description `this`, `last` or any local date `YYYY-MM-DD` in the week (weeks begin on Monday, local time). */
                week?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        machine: string;
                        from: string;
                        to: string;
                        tags: {
                            [key: string]: string;
                        };
                        states: {
                            from: string;
                            to: string;
                            /** @description running, setup, delay, failure, repair, plannedDown or unknown */
                            state: string;
                            value: number | null;
                            since: string;
                            unknownCause?: string;
                            reason?: string;
                        }[];
                        calendar: {
                            from: string;
                            to: string;
                            kind: string;
                            shiftId?: string;
                        }[];
                        parts: {
                            ts: string;
                            good: number;
                            scrap: number;
                            prt: number | null;
                            excluded: boolean;
                            /** @description reset, rollover, drop or jump */
                            kind?: string;
                        }[];
                        /** @description Every counter event that was not a plain increase, with its evidence. */
                        counterIssues: {
                            ts: string;
                            /** @description The sample before: the interval whose increment is unknown. */
                            prevTs: string;
                            /** @description good, scrap or energy */
                            counter: string;
                            /** @description reset, rollover (counted) or drop, jump (data-quality events) */
                            kind: string;
                            /** @description The increment booked (reset, rollover) or the raw difference. */
                            value: number;
                        }[];
                        energy: {
                            start: string;
                            kwh: number;
                            avgKw: number;
                        }[];
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description The feature is not enabled or not running (`GT_NOT_CONNECTED`, `GT_HISTORIAN_CLOSED`). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    getPdmMachines: {
        parameters: {
            query?: {
                /** @description Only machines below this asset path (empty = all). */
                asset?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        machines: {
                            /** @description Asset path of the machine. */
                            machine: string;
                            /** @description Source time of the last evaluation. */
                            ts: string;
                            /** @description status/machine_state at that time. */
                            state: number | null;
                            stateName: string | null;
                            /** @description 0–100, for ranking a fleet: 100 − health index (at most 100 − healthThreshold when the story explains it as wear on schedule), +50 when the 80 % lower bound of a non-consumable RUL is inside the horizon. */
                            risk: number;
                            /** @description 0–100. */
                            healthIndex: number;
                            /** @description Baseline standard deviations; null while the baseline of this state is being learned. */
                            anomalyScore: number | null;
                            /** @description An anomaly episode is open. */
                            anomalyOpen: boolean;
                            baselineReady: boolean;
                            /** @description The current state's baseline. Learned anew after every renewal. */
                            baseline: {
                                /** @description `after-renewal`: learned after maintenance renewed the machine (its healthy state); `unknown-wear`: learned at whatever wear the machine had when the model started. */
                                origin: "after-renewal" | "unknown-wear";
                                /** @description Worst non-consumable wear (%) when learning began; null when the machine reports none. */
                                wearAtStart: number | null;
                                /** @description When learning began (plant time). */
                                since: string;
                            };
                            /** @description One story per machine: how anomaly, health index and RUL fit together. */
                            story: {
                                /** @description The deviation (anomaly score, low health index) follows the wear on its trend and the RUL lower bound is beyond the horizon: wear on schedule, no alert. */
                                explained: boolean;
                                /** @description Why: anomaly, health index and RUL in one sentence (empty when all is well). */
                                sentence: string;
                            };
                            /** @description Plant seconds per second of source time (the demo speed when its source stamps wall-clock time; else 1). */
                            timeScale: number;
                            /** @description Signals contributing most to the anomaly score, largest first. */
                            contributors: {
                                /** @description Tag path below the machine, e.g. `bearing/vibration_rms`. */
                                signal: string;
                                z: number;
                                /** @description Smoothed value. */
                                value: number;
                                /** @description Healthy level at this operating point. */
                                expected: number;
                                expectedStd: number;
                            }[];
                            rul: {
                                /** @description Failure mode, e.g. `bearing`, `tool`; `health` when no wear is reported. */
                                mode: string;
                                /** @description Median remaining useful life, hours. */
                                hours: number;
                                /** @description 80 % interval, lower end, hours. */
                                low: number;
                                /** @description 80 % interval, upper end, hours. */
                                high: number;
                                /** @description Current wear, %. */
                                wear: number;
                                /** @description Wear rate, %/h. */
                                ratePerHour: number;
                                /** @description A consumable (config `pdm.quietModes`: tool, valve): the RUL is when its planned replacement is due. */
                                consumable: boolean;
                            }[];
                            /** @description Derived tag ids (history via /history/aggregate): healthIndex, anomalyScore, rul_<mode>. */
                            tags: {
                                [key: string]: string;
                            };
                        }[];
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    getPdmMachine: {
        parameters: {
            query: {
                /** @description Asset path of the machine. */
                path: string;
                /** @description Recent events to include. */
                events?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        health: {
                            /** @description Asset path of the machine. */
                            machine: string;
                            /** @description Source time of the last evaluation. */
                            ts: string;
                            /** @description status/machine_state at that time. */
                            state: number | null;
                            stateName: string | null;
                            /** @description 0–100, for ranking a fleet: 100 − health index (at most 100 − healthThreshold when the story explains it as wear on schedule), +50 when the 80 % lower bound of a non-consumable RUL is inside the horizon. */
                            risk: number;
                            /** @description 0–100. */
                            healthIndex: number;
                            /** @description Baseline standard deviations; null while the baseline of this state is being learned. */
                            anomalyScore: number | null;
                            /** @description An anomaly episode is open. */
                            anomalyOpen: boolean;
                            baselineReady: boolean;
                            /** @description The current state's baseline. Learned anew after every renewal. */
                            baseline: {
                                /** @description `after-renewal`: learned after maintenance renewed the machine (its healthy state); `unknown-wear`: learned at whatever wear the machine had when the model started. */
                                origin: "after-renewal" | "unknown-wear";
                                /** @description Worst non-consumable wear (%) when learning began; null when the machine reports none. */
                                wearAtStart: number | null;
                                /** @description When learning began (plant time). */
                                since: string;
                            };
                            /** @description One story per machine: how anomaly, health index and RUL fit together. */
                            story: {
                                /** @description The deviation (anomaly score, low health index) follows the wear on its trend and the RUL lower bound is beyond the horizon: wear on schedule, no alert. */
                                explained: boolean;
                                /** @description Why: anomaly, health index and RUL in one sentence (empty when all is well). */
                                sentence: string;
                            };
                            /** @description Plant seconds per second of source time (the demo speed when its source stamps wall-clock time; else 1). */
                            timeScale: number;
                            /** @description Signals contributing most to the anomaly score, largest first. */
                            contributors: {
                                /** @description Tag path below the machine, e.g. `bearing/vibration_rms`. */
                                signal: string;
                                z: number;
                                /** @description Smoothed value. */
                                value: number;
                                /** @description Healthy level at this operating point. */
                                expected: number;
                                expectedStd: number;
                            }[];
                            rul: {
                                /** @description Failure mode, e.g. `bearing`, `tool`; `health` when no wear is reported. */
                                mode: string;
                                /** @description Median remaining useful life, hours. */
                                hours: number;
                                /** @description 80 % interval, lower end, hours. */
                                low: number;
                                /** @description 80 % interval, upper end, hours. */
                                high: number;
                                /** @description Current wear, %. */
                                wear: number;
                                /** @description Wear rate, %/h. */
                                ratePerHour: number;
                                /** @description A consumable (config `pdm.quietModes`: tool, valve): the RUL is when its planned replacement is due. */
                                consumable: boolean;
                            }[];
                            /** @description Derived tag ids (history via /history/aggregate): healthIndex, anomalyScore, rul_<mode>. */
                            tags: {
                                [key: string]: string;
                            };
                        };
                        events: {
                            ts: string;
                            /** @description pdm.anomaly.opened|update|closed, pdm.health.low.*, pdm.rul.below_horizon.* */
                            kind: string;
                            severity: string;
                            message: string;
                            /** @description Evidence: machine, episode, phase, anomalyScore, healthIndex, contributors, RUL figures. */
                            details?: {
                                [key: string]: unknown;
                            };
                        }[];
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    getPdmEvents: {
        parameters: {
            query?: {
                /** @description Asset path of one machine (or a prefix). */
                machine?: string;
                /** @description ISO 8601, epoch ms, now, now-24h. */
                from?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        events: {
                            ts: string;
                            /** @description pdm.anomaly.opened|update|closed, pdm.health.low.*, pdm.rul.below_horizon.* */
                            kind: string;
                            severity: string;
                            message: string;
                            /** @description Evidence: machine, episode, phase, anomalyScore, healthIndex, contributors, RUL figures. */
                            details?: {
                                [key: string]: unknown;
                            };
                        }[];
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    getRules: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        rules: {
                            /** @description Version number; every change (config import or API edit) adds one. */
                            version: number;
                            /** @description The rule as validated (see `workflows.rules` in docs/configuration.md). */
                            rule: {
                                id: string;
                                name?: string;
                                enabled: boolean;
                                assets: string[];
                                trigger: {
                                    kind: string;
                                } & {
                                    [key: string]: unknown;
                                };
                                actions: ({
                                    kind: string;
                                } & {
                                    [key: string]: unknown;
                                })[];
                            } & {
                                [key: string]: unknown;
                            };
                        }[];
                    };
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    getRulesById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        rule: unknown;
                        version: number;
                        versions: {
                            version: number;
                            /** @description `config` (imported from the YAML) or `api`. */
                            source: string;
                            actor: string;
                            ts: number;
                            /** @description The rule at that version; null when it deleted the rule. */
                            definition: unknown;
                        }[];
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    putRulesById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        /** @description The rule, as in `workflows.rules[]`. */
        requestBody: {
            content: {
                "application/json": {
                    [key: string]: unknown;
                };
            };
        };
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Version number; every change (config import or API edit) adds one. */
                        version: number;
                        /** @description The rule as validated (see `workflows.rules` in docs/configuration.md). */
                        rule: {
                            id: string;
                            name?: string;
                            enabled: boolean;
                            assets: string[];
                            trigger: {
                                kind: string;
                            } & {
                                [key: string]: unknown;
                            };
                            actions: ({
                                kind: string;
                            } & {
                                [key: string]: unknown;
                            })[];
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `FST_ERR_CTP_BODY_TOO_LARGE`: the body is larger than the configured limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    deleteRulesById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        version: number;
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    getWorkorders: {
        parameters: {
            query?: {
                /** @description Only below this asset path (empty = all in scope). */
                asset?: string;
                /** @description open → planned → in_progress → done, or cancelled. */
                status?: "open" | "planned" | "in_progress" | "done" | "cancelled";
                /** @description Only open, planned and in progress. */
                active?: boolean;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        workOrders: ({
                            id: string;
                            asset: string;
                            failureMode: string;
                            title: string;
                            reason: string;
                            /** @description Triggering values, anomaly score, health index, RUL with 80 % interval, trend link, rule text. */
                            evidence: {
                                /** @description Tag values that triggered it. */
                                values?: {
                                    tagId: string;
                                    value: number | string | boolean | (never | null);
                                    unit?: string;
                                    /** @description Source timestamp, epoch ms. */
                                    ts: number;
                                }[];
                                anomalyScore?: number;
                                healthIndex?: number;
                                /** @description Remaining useful life, hours. */
                                rulHours?: number;
                                /** @description Lower end of its 80 % interval. */
                                rulLowHours?: number;
                                /** @description Upper end of its 80 % interval. */
                                rulHighHours?: number;
                                /** @description Dashboard link to the trend around the trigger. */
                                trendUrl?: string;
                                /** @description Which rule fired and why. */
                                text?: string;
                            };
                            priority: number;
                            requiredDowntimeMin: number;
                            /** @description open → planned → in_progress → done, or cancelled. */
                            status: "open" | "planned" | "in_progress" | "done" | "cancelled";
                            /** @description Epoch ms. */
                            plannedStart?: number;
                            plannedEnd?: number;
                            /** @description Predicted failure (pessimistic end of the RUL interval), epoch ms. */
                            dueBy?: number;
                            escalated: boolean;
                            ruleId?: string;
                            externalIds: {
                                [key: string]: string;
                            };
                            createdAt: number;
                            updatedAt: number;
                            revision: number;
                        } & {
                            [key: string]: unknown;
                        })[];
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    getWorkordersById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        workOrder: {
                            id: string;
                            asset: string;
                            failureMode: string;
                            title: string;
                            reason: string;
                            /** @description Triggering values, anomaly score, health index, RUL with 80 % interval, trend link, rule text. */
                            evidence: {
                                /** @description Tag values that triggered it. */
                                values?: {
                                    tagId: string;
                                    value: number | string | boolean | (never | null);
                                    unit?: string;
                                    /** @description Source timestamp, epoch ms. */
                                    ts: number;
                                }[];
                                anomalyScore?: number;
                                healthIndex?: number;
                                /** @description Remaining useful life, hours. */
                                rulHours?: number;
                                /** @description Lower end of its 80 % interval. */
                                rulLowHours?: number;
                                /** @description Upper end of its 80 % interval. */
                                rulHighHours?: number;
                                /** @description Dashboard link to the trend around the trigger. */
                                trendUrl?: string;
                                /** @description Which rule fired and why. */
                                text?: string;
                            };
                            priority: number;
                            requiredDowntimeMin: number;
                            /** @description open → planned → in_progress → done, or cancelled. */
                            status: "open" | "planned" | "in_progress" | "done" | "cancelled";
                            /** @description Epoch ms. */
                            plannedStart?: number;
                            plannedEnd?: number;
                            /** @description Predicted failure (pessimistic end of the RUL interval), epoch ms. */
                            dueBy?: number;
                            escalated: boolean;
                            ruleId?: string;
                            externalIds: {
                                [key: string]: string;
                            };
                            createdAt: number;
                            updatedAt: number;
                            revision: number;
                        } & {
                            [key: string]: unknown;
                        };
                        history: {
                            ts: number;
                            kind: string;
                            actor: string;
                            status: string;
                            note?: string;
                            revision: number;
                        }[];
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    postWorkordersByIdStatus: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description open → planned → in_progress → done, or cancelled. */
                    status: "open" | "planned" | "in_progress" | "done" | "cancelled";
                    note?: string;
                };
            };
        };
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        workOrder: {
                            id: string;
                            asset: string;
                            failureMode: string;
                            title: string;
                            reason: string;
                            /** @description Triggering values, anomaly score, health index, RUL with 80 % interval, trend link, rule text. */
                            evidence: {
                                /** @description Tag values that triggered it. */
                                values?: {
                                    tagId: string;
                                    value: number | string | boolean | (never | null);
                                    unit?: string;
                                    /** @description Source timestamp, epoch ms. */
                                    ts: number;
                                }[];
                                anomalyScore?: number;
                                healthIndex?: number;
                                /** @description Remaining useful life, hours. */
                                rulHours?: number;
                                /** @description Lower end of its 80 % interval. */
                                rulLowHours?: number;
                                /** @description Upper end of its 80 % interval. */
                                rulHighHours?: number;
                                /** @description Dashboard link to the trend around the trigger. */
                                trendUrl?: string;
                                /** @description Which rule fired and why. */
                                text?: string;
                            };
                            priority: number;
                            requiredDowntimeMin: number;
                            /** @description open → planned → in_progress → done, or cancelled. */
                            status: "open" | "planned" | "in_progress" | "done" | "cancelled";
                            /** @description Epoch ms. */
                            plannedStart?: number;
                            plannedEnd?: number;
                            /** @description Predicted failure (pessimistic end of the RUL interval), epoch ms. */
                            dueBy?: number;
                            escalated: boolean;
                            ruleId?: string;
                            externalIds: {
                                [key: string]: string;
                            };
                            createdAt: number;
                            updatedAt: number;
                            revision: number;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_CONFLICT`: the request conflicts with the current state. */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `FST_ERR_CTP_BODY_TOO_LARGE`: the body is larger than the configured limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    getMaintenanceCalendar: {
        parameters: {
            query?: {
                /** @description Machine (windows for it) or prefix (work orders below it). */
                asset?: string;
                /** @description ISO 8601, epoch ms, now, now-24h. */
                from?: string;
                to?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        from: number;
                        to: number;
                        now: number;
                        windows: {
                            start: number;
                            end: number;
                            names: string[];
                        }[];
                        entries: {
                            id: number;
                            kind: "downtime" | "production";
                            name: string;
                            start: number;
                            end: number;
                            assets: string[];
                        }[];
                        workOrders: ({
                            id: string;
                            asset: string;
                            failureMode: string;
                            title: string;
                            reason: string;
                            /** @description Triggering values, anomaly score, health index, RUL with 80 % interval, trend link, rule text. */
                            evidence: {
                                /** @description Tag values that triggered it. */
                                values?: {
                                    tagId: string;
                                    value: number | string | boolean | (never | null);
                                    unit?: string;
                                    /** @description Source timestamp, epoch ms. */
                                    ts: number;
                                }[];
                                anomalyScore?: number;
                                healthIndex?: number;
                                /** @description Remaining useful life, hours. */
                                rulHours?: number;
                                /** @description Lower end of its 80 % interval. */
                                rulLowHours?: number;
                                /** @description Upper end of its 80 % interval. */
                                rulHighHours?: number;
                                /** @description Dashboard link to the trend around the trigger. */
                                trendUrl?: string;
                                /** @description Which rule fired and why. */
                                text?: string;
                            };
                            priority: number;
                            requiredDowntimeMin: number;
                            /** @description open → planned → in_progress → done, or cancelled. */
                            status: "open" | "planned" | "in_progress" | "done" | "cancelled";
                            /** @description Epoch ms. */
                            plannedStart?: number;
                            plannedEnd?: number;
                            /** @description Predicted failure (pessimistic end of the RUL interval), epoch ms. */
                            dueBy?: number;
                            escalated: boolean;
                            ruleId?: string;
                            externalIds: {
                                [key: string]: string;
                            };
                            createdAt: number;
                            updatedAt: number;
                            revision: number;
                        } & {
                            [key: string]: unknown;
                        })[];
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    postMaintenanceSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    kind: "downtime" | "production";
                    name: string;
                    /** @description ISO 8601 or epoch ms. */
                    start: string;
                    end: string;
                    /**
                     * @description Asset prefixes; empty = all.
                     * @default []
                     */
                    assets: string[];
                };
            };
        };
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: number;
                        kind: "downtime" | "production";
                        name: string;
                        start: number;
                        end: number;
                        assets: string[];
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `FST_ERR_CTP_BODY_TOO_LARGE`: the body is larger than the configured limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    deleteMaintenanceScheduleById: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    getDeliveryConnectors: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        name: string;
                        kind: string;
                        /** @description Where it sends, without credentials. */
                        target: string;
                        /** @description Receives work-order changes. */
                        workOrders: boolean;
                        /** @description Accepts status updates at POST /connectors/{name}/status. */
                        inbound: boolean;
                    }[];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    getDeliveryEntries: {
        parameters: {
            query?: {
                state?: "pending" | "delivered" | "dead" | "discarded";
                connector?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: number;
                        /** @description Connector name (`http` and `mqtt` for rule actions of those kinds). */
                        connector: string;
                        /** @description Sent as `Idempotency-Key`; one entry per key and connector. */
                        idempotencyKey: string;
                        summary: string;
                        asset?: string;
                        /** @description `pending`, `delivered`, `dead` or `discarded`. */
                        state: string;
                        attempts: number;
                        /** @description Queued (or queued again by a retry). */
                        createdAt: string;
                        /** @description Next attempt, for pending entries. */
                        nextAt: string;
                        updatedAt: string;
                        /** @description Why the last attempt failed, or why it was held back. */
                        lastError?: string;
                        /** @description Id in the external system, e.g. the SAP notification number. */
                        externalId?: string;
                    }[];
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    getDeliveryDeadLetters: {
        parameters: {
            query?: {
                connector?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: number;
                        /** @description Connector name (`http` and `mqtt` for rule actions of those kinds). */
                        connector: string;
                        /** @description Sent as `Idempotency-Key`; one entry per key and connector. */
                        idempotencyKey: string;
                        summary: string;
                        asset?: string;
                        /** @description `pending`, `delivered`, `dead` or `discarded`. */
                        state: string;
                        attempts: number;
                        /** @description Queued (or queued again by a retry). */
                        createdAt: string;
                        /** @description Next attempt, for pending entries. */
                        nextAt: string;
                        updatedAt: string;
                        /** @description Why the last attempt failed, or why it was held back. */
                        lastError?: string;
                        /** @description Id in the external system, e.g. the SAP notification number. */
                        externalId?: string;
                    }[];
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    postDeliveryDeadLettersByIdRetry: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: number;
                        /** @description Connector name (`http` and `mqtt` for rule actions of those kinds). */
                        connector: string;
                        /** @description Sent as `Idempotency-Key`; one entry per key and connector. */
                        idempotencyKey: string;
                        summary: string;
                        asset?: string;
                        /** @description `pending`, `delivered`, `dead` or `discarded`. */
                        state: string;
                        attempts: number;
                        /** @description Queued (or queued again by a retry). */
                        createdAt: string;
                        /** @description Next attempt, for pending entries. */
                        nextAt: string;
                        updatedAt: string;
                        /** @description Why the last attempt failed, or why it was held back. */
                        lastError?: string;
                        /** @description Id in the external system, e.g. the SAP notification number. */
                        externalId?: string;
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    postDeliveryDeadLettersByIdDiscard: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: number;
                        /** @description Connector name (`http` and `mqtt` for rule actions of those kinds). */
                        connector: string;
                        /** @description Sent as `Idempotency-Key`; one entry per key and connector. */
                        idempotencyKey: string;
                        summary: string;
                        asset?: string;
                        /** @description `pending`, `delivered`, `dead` or `discarded`. */
                        state: string;
                        attempts: number;
                        /** @description Queued (or queued again by a retry). */
                        createdAt: string;
                        /** @description Next attempt, for pending entries. */
                        nextAt: string;
                        updatedAt: string;
                        /** @description Why the last attempt failed, or why it was held back. */
                        lastError?: string;
                        /** @description Id in the external system, e.g. the SAP notification number. */
                        externalId?: string;
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    postConnectorsByNameStatus: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
            };
            cookie?: never;
        };
        /** @description JSON; checked after the signature (see description). */
        requestBody: {
            content: {
                "application/json": unknown;
            };
        };
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        workOrderId: string;
                        status: string;
                        revision: number;
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `FST_ERR_CTP_BODY_TOO_LARGE`: the body is larger than the configured limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    importHistory: {
        parameters: {
            query?: {
                /** @description Row errors listed at most. */
                maxErrors?: number;
                /** @description Line numbers listed per kind of row (accepted, unchanged, conflicting, corrected) and conflicts detailed, at most. */
                maxRows?: number;
                /** @description `insert` keeps stored values and reports differing rows as conflicting; `correct` replaces them (audited). */
                mode?: "insert" | "correct";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        mode: "insert" | "correct";
                        lines: number;
                        /** @description Rows stored where nothing was stored. */
                        accepted: number;
                        /** @description Rows whose value and status were already stored. */
                        unchanged: number;
                        /** @description Rows that differ from the stored value, not stored (insert mode). */
                        conflicting: number;
                        /** @description Rows that replaced a different stored value (correct mode). */
                        corrected: number;
                        rejected: number;
                        bytes: number;
                        errors: {
                            line: number;
                            message: string;
                        }[];
                        /** @description The first `maxRows` line numbers of each kind. */
                        rows: {
                            accepted: number[];
                            unchanged: number[];
                            conflicting: number[];
                            corrected: number[];
                        };
                        /** @description The first `maxRows` conflicting (or, in correct mode, corrected) rows with both values. */
                        conflicts: {
                            line: number;
                            tag: string;
                            ts: string;
                            stored: {
                                value: number | string | (never | null);
                                /** @description OPC UA StatusCode (0 = Good). */
                                status: number;
                            };
                            imported: {
                                value: number | string | (never | null);
                                /** @description OPC UA StatusCode (0 = Good). */
                                status: number;
                            };
                        }[];
                        tags: {
                            id: string;
                            from: string;
                            to: string;
                            count: number;
                        }[];
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description The content type of the body is not accepted. */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    getHistoryDataset: {
        parameters: {
            query?: {
                /** @description Tag id; repeat for several. */
                tag?: string | string[];
                /** @description Every tag at or below this asset path. */
                asset?: string;
                from?: string;
                to?: string;
                format?: "csv" | "parquet";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/csv": string;
                    "application/vnd.apache.parquet": string;
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_LOCKED_OUT`: too many failed sign-ins; retry after the time the message names. */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description The feature is not enabled or not running (`GT_NOT_CONNECTED`, `GT_HISTORIAN_CLOSED`). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    getMachinesAllowlist: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        enabled: boolean;
                        role: string;
                        tags: {
                            [key: string]: unknown;
                        }[];
                        methods: {
                            [key: string]: unknown;
                        }[];
                    };
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    postMachinesWrite: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Tag id (UNS path) to write. */
                    tagId: string;
                    /** @description JSON number for Double/Float/Int/UInt, true/false for Boolean, a string for String. */
                    value: unknown;
                    /** @description Why (goes into the audit log with the attempt), e.g. `bearing replaced, WO-10231`. */
                    reason: string;
                };
            };
        };
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        ok: boolean;
                        /** @description OPC UA StatusCode name of the result, e.g. Good. */
                        statusCode: string;
                        message: string;
                        outputArguments?: unknown[];
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `FST_ERR_CTP_BODY_TOO_LARGE`: the body is larger than the configured limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description The machine or server behind the hub refused or failed the request (`GT_COMMAND_FAILED`, `GT_CERT_UNTRUSTED`). */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description The feature is not enabled or not running (`GT_NOT_CONNECTED`, `GT_HISTORIAN_CLOSED`). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    postMachinesCall: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Asset path of the machine, e.g. acme/zurich/machining/line1/cnc1. */
                    asset: string;
                    /** @description BrowseName of the method, e.g. ResetWear. */
                    method: string;
                    args?: (number | string | boolean)[];
                    /** @description Why (goes into the audit log with the attempt), e.g. `bearing replaced, WO-10231`. */
                    reason: string;
                };
            };
        };
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        ok: boolean;
                        /** @description OPC UA StatusCode name of the result, e.g. Good. */
                        statusCode: string;
                        message: string;
                        outputArguments?: unknown[];
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `FST_ERR_CTP_BODY_TOO_LARGE`: the body is larger than the configured limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description The machine or server behind the hub refused or failed the request (`GT_COMMAND_FAILED`, `GT_CERT_UNTRUSTED`). */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description The feature is not enabled or not running (`GT_NOT_CONNECTED`, `GT_HISTORIAN_CLOSED`). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    listAuditRecords: {
        parameters: {
            query?: {
                /** @description ISO 8601; entries at or after. */
                from?: string;
                /** @description ISO 8601; entries before. */
                to?: string;
                /** @description Exact actor, e.g. `user:alice`. */
                actor?: string;
                /** @description Action or action prefix, e.g. `machine.` or `pki.trust`. */
                action?: string;
                outcome?: "ok" | "refused" | "failed";
                limit?: number;
                /** @description Only entries with seq below this (paging). */
                before?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        entries: {
                            seq: number;
                            /** @description ISO 8601. */
                            ts: string;
                            actor: string;
                            action: string;
                            target?: string;
                            outcome: string;
                            reason?: string;
                            details?: {
                                [key: string]: unknown;
                            };
                            ip?: string;
                            prev: string;
                            hash: string;
                        }[];
                        total: number;
                        matched: number;
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description The feature is not enabled or not running (`GT_NOT_CONNECTED`, `GT_HISTORIAN_CLOSED`). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    verifyAuditLog: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        ok: boolean;
                        entries: number;
                        /** @description Hash of the last entry; keep it elsewhere to detect a rewritten chain. */
                        head: string;
                        problems: {
                            entry: number;
                            kind: string;
                            message: string;
                        }[];
                    };
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description The feature is not enabled or not running (`GT_NOT_CONNECTED`, `GT_HISTORIAN_CLOSED`). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    exportAuditLog: {
        parameters: {
            query?: {
                /** @description ISO 8601; entries at or after. */
                from?: string;
                /** @description ISO 8601; entries before. */
                to?: string;
                /** @description Exact actor, e.g. `user:alice`. */
                actor?: string;
                /** @description Action or action prefix, e.g. `machine.` or `pki.trust`. */
                action?: string;
                outcome?: "ok" | "refused" | "failed";
                format?: "jsonl" | "csv";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": string;
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description The feature is not enabled or not running (`GT_NOT_CONNECTED`, `GT_HISTORIAN_CLOSED`). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    getPki: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        own: {
                            subject: string;
                            thumbprint: string;
                            notBefore: string;
                            notAfter: string;
                            /** @description Days until the hub certificate expires. */
                            daysLeft: number;
                            applicationUri: string;
                        };
                        certificates: {
                            /** @description `trusted`, `rejected` or `issuer`. */
                            status: string;
                            subject: string;
                            /** @description SHA-1 thumbprint, lower-case hex (OPC UA Part 4, 5.4.4). */
                            thumbprint: string;
                            notBefore: string;
                            notAfter: string;
                            expired: boolean;
                            applicationUri?: string;
                            /** @description Sources whose session used this certificate and were restarted (reject and remove). */
                            endedSessions?: string[];
                        }[];
                        issuers: {
                            /** @description `trusted`, `rejected` or `issuer`. */
                            status: string;
                            subject: string;
                            /** @description SHA-1 thumbprint, lower-case hex (OPC UA Part 4, 5.4.4). */
                            thumbprint: string;
                            notBefore: string;
                            notAfter: string;
                            expired: boolean;
                            applicationUri?: string;
                            /** @description Sources whose session used this certificate and were restarted (reject and remove). */
                            endedSessions?: string[];
                        }[];
                        crls: {
                            target: string;
                            file: string;
                            bytes: number;
                            modifiedAt: string;
                        }[];
                    };
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description The feature is not enabled or not running (`GT_NOT_CONNECTED`, `GT_HISTORIAN_CLOSED`). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    postPkiCertificatesByThumbprintTrust: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Thumbprint or a unique prefix (8+ hex digits). */
                thumbprint: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description `trusted`, `rejected` or `issuer`. */
                        status: string;
                        subject: string;
                        /** @description SHA-1 thumbprint, lower-case hex (OPC UA Part 4, 5.4.4). */
                        thumbprint: string;
                        notBefore: string;
                        notAfter: string;
                        expired: boolean;
                        applicationUri?: string;
                        /** @description Sources whose session used this certificate and were restarted (reject and remove). */
                        endedSessions?: string[];
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    postPkiCertificatesByThumbprintReject: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Thumbprint or a unique prefix (8+ hex digits). */
                thumbprint: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description `trusted`, `rejected` or `issuer`. */
                        status: string;
                        subject: string;
                        /** @description SHA-1 thumbprint, lower-case hex (OPC UA Part 4, 5.4.4). */
                        thumbprint: string;
                        notBefore: string;
                        notAfter: string;
                        expired: boolean;
                        applicationUri?: string;
                        /** @description Sources whose session used this certificate and were restarted (reject and remove). */
                        endedSessions?: string[];
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    deletePkiCertificatesByThumbprint: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Thumbprint or a unique prefix (8+ hex digits). */
                thumbprint: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description `trusted`, `rejected` or `issuer`. */
                        status: string;
                        subject: string;
                        /** @description SHA-1 thumbprint, lower-case hex (OPC UA Part 4, 5.4.4). */
                        thumbprint: string;
                        notBefore: string;
                        notAfter: string;
                        expired: boolean;
                        applicationUri?: string;
                        /** @description Sources whose session used this certificate and were restarted (reject and remove). */
                        endedSessions?: string[];
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    postPkiCertificates: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description PEM text (-----BEGIN …-----). */
                    pem: string;
                };
            };
        };
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description `trusted`, `rejected` or `issuer`. */
                        status: string;
                        subject: string;
                        /** @description SHA-1 thumbprint, lower-case hex (OPC UA Part 4, 5.4.4). */
                        thumbprint: string;
                        notBefore: string;
                        notAfter: string;
                        expired: boolean;
                        applicationUri?: string;
                        /** @description Sources whose session used this certificate and were restarted (reject and remove). */
                        endedSessions?: string[];
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `FST_ERR_CTP_BODY_TOO_LARGE`: the body is larger than the configured limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    postPkiIssuers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description PEM text (-----BEGIN …-----). */
                    pem: string;
                    /** @default false */
                    trust: boolean;
                };
            };
        };
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description `trusted`, `rejected` or `issuer`. */
                        status: string;
                        subject: string;
                        /** @description SHA-1 thumbprint, lower-case hex (OPC UA Part 4, 5.4.4). */
                        thumbprint: string;
                        notBefore: string;
                        notAfter: string;
                        expired: boolean;
                        applicationUri?: string;
                        /** @description Sources whose session used this certificate and were restarted (reject and remove). */
                        endedSessions?: string[];
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `FST_ERR_CTP_BODY_TOO_LARGE`: the body is larger than the configured limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    deletePkiIssuersByThumbprint: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Thumbprint or a unique prefix (8+ hex digits). */
                thumbprint: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description `trusted`, `rejected` or `issuer`. */
                        status: string;
                        subject: string;
                        /** @description SHA-1 thumbprint, lower-case hex (OPC UA Part 4, 5.4.4). */
                        thumbprint: string;
                        notBefore: string;
                        notAfter: string;
                        expired: boolean;
                        applicationUri?: string;
                        /** @description Sources whose session used this certificate and were restarted (reject and remove). */
                        endedSessions?: string[];
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description Not found (`GT_NOT_FOUND`, `GT_TAG_NOT_FOUND`, …): the tag, asset or item named does not exist. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    postPkiCrls: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description PEM text (-----BEGIN …-----). */
                    pem: string;
                    /** @default issuers */
                    target: "issuers" | "trusted";
                };
            };
        };
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        status: string;
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `FST_ERR_CTP_BODY_TOO_LARGE`: the body is larger than the configured limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    postPkiOwnRenew: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @default 3650 */
                    validityDays: number;
                };
            };
        };
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        previous: string;
                        current: {
                            subject: string;
                            thumbprint: string;
                            notBefore: string;
                            notAfter: string;
                            /** @description Days until the hub certificate expires. */
                            daysLeft: number;
                            applicationUri: string;
                        };
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `FST_ERR_CTP_BODY_TOO_LARGE`: the body is larger than the configured limit. */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description The feature is not enabled or not running (`GT_NOT_CONNECTED`, `GT_HISTORIAN_CLOSED`). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
    getCatalog: {
        parameters: {
            query?: {
                /** @description Quality window, e.g. `1h`, `24h`, `7d`. */
                window?: string;
                /** @description A tag without a value for this long is stale. */
                staleAfter?: string;
                /** @description Only tags below this asset path. */
                asset?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Success. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        window: {
                            from: string;
                            to: string;
                        };
                        sinks: string[];
                        tags: {
                            /** @description Tag id = unified-namespace path. */
                            id: string;
                            name: string;
                            assetPath: string;
                            dataType: string;
                            unit?: string;
                            euRange?: {
                                low: number;
                                high: number;
                            };
                            lineage: components["schemas"]["Lineage"];
                            classification: string;
                            owner?: string;
                            /** @description Retention class in force (`default` when none is set). */
                            retentionClass: string;
                            /** @description Where the values go: the historian, then each outbound sink, and whether governance lets them. */
                            sinks: {
                                sink: string;
                                flows: boolean;
                                reason?: string;
                            }[];
                            quality: {
                                samples: number;
                                badOrUncertain: number;
                                /** @description 0..1 */
                                badShare: number;
                                /** @description Empty buckets between the first and the last sample of the window. */
                                gaps: number;
                                buckets: number;
                                lastTs?: string;
                                stale: boolean;
                                flatline: boolean;
                                /** @description Buckets with values outside the EURange. */
                                outOfRange: number;
                                min?: number;
                                max?: number;
                            };
                        }[];
                    };
                };
            };
            /** @description Bad request (`GT_BAD_REQUEST`, `GT_CONFIG_INVALID`, …): a parameter or the body is invalid; the message names it. */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_UNAUTHENTICATED`: no or an expired session, or an unknown API token. */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
            /** @description `GT_FORBIDDEN`: the role or the asset scope does not allow it; `GT_CSRF`: a session request without the CSRF header or from another origin. */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorReply"];
                };
            };
        };
    };
}
