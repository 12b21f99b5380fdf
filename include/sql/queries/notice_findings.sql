-- Findings of a period: every veto / deduct finding sighted within the month, with the dates it was seen,
-- its ledger item (if the ledger holds one) and the names a notice prints.
-- Params: start, end.
WITH seen AS (
    SELECT finding_id, min(as_of) AS first_in_period, max(as_of) AS last_in_period,
           array_agg(DISTINCT as_of ORDER BY as_of) AS seen_on
    FROM finding_sightings
    WHERE as_of BETWEEN %(start)s AND %(end)s
    GROUP BY finding_id
)
SELECT f.id, f.check_code, f.severity, f.points::float AS points, f.target_type, f.target_id,
       COALESCE(f.site_id, c.site_id) AS site_id, f.evidence, f.evidence_url, f.evidence_key,
       f.status, f.rectified_on, f.recurrences, f.first_seen, f.last_seen,
       seen.first_in_period, seen.last_in_period, seen.seen_on,
       COALESCE(st.name, a.name, f.target_id) AS target_name,
       c.name AS column_name,
       a.platform,
       COALESCE(st.region, a.region, '') AS region,
       st.kind AS site_kind,
       COALESCE(f.unit_id, st.unit_id, a.unit_id) AS unit_id,
       COALESCE(u.name, f.unit_id, st.unit_id, a.unit_id, '') AS unit_name,
       (SELECT max(e.as_of) FROM finding_events e
        WHERE e.finding_id = f.id AND e.event = 'reopened' AND e.as_of <= %(end)s) AS reopened_at,
       r.found_on, r.reopened_on, r.due_on, r.state AS ledger_state, r.reported_on, r.verified_on
FROM findings f
JOIN seen ON seen.finding_id = f.id
LEFT JOIN sites st ON st.id = f.site_id
LEFT JOIN accounts a ON f.target_type = 'account' AND a.id = f.target_id
LEFT JOIN columns c ON f.target_type = 'column' AND c.site_id || '/' || c.id = f.target_id
LEFT JOIN units u ON u.id = COALESCE(f.unit_id, st.unit_id, a.unit_id)
LEFT JOIN rectifications r ON r.finding_id = f.id
WHERE f.severity IN ('veto', 'deduct')
ORDER BY f.id;
