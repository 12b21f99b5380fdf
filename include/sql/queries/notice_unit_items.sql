-- The items of one unit's rectification notice: its ledger items found by the end of the period and not
-- yet closed (open, overdue, reported), plus open veto / deduct findings sighted within the period that
-- have no ledger item yet. Params: unit, start, end.
SELECT f.id, f.check_code, f.severity, f.target_type, f.target_id,
       COALESCE(f.site_id, c.site_id) AS site_id, f.evidence, f.evidence_url, f.status,
       f.first_seen, f.rectified_on, f.recurrences,
       COALESCE(st.name, a.name, f.target_id) AS target_name, c.name AS column_name, a.platform,
       (SELECT max(e.as_of) FROM finding_events e
        WHERE e.finding_id = f.id AND e.event = 'reopened' AND e.as_of <= %(end)s) AS reopened_at,
       r.found_on, r.reopened_on, r.due_on, r.state AS ledger_state, r.reported_on, r.verified_on
FROM findings f
LEFT JOIN rectifications r ON r.finding_id = f.id
LEFT JOIN sites st ON st.id = f.site_id
LEFT JOIN accounts a ON f.target_type = 'account' AND a.id = f.target_id
LEFT JOIN columns c ON f.target_type = 'column' AND c.site_id || '/' || c.id = f.target_id
WHERE COALESCE(r.unit_id, f.unit_id) = %(unit)s
  AND f.severity IN ('veto', 'deduct')
  AND (
      (r.finding_id IS NOT NULL AND r.state IN ('open', 'overdue', 'reported') AND r.found_on <= %(end)s)
      OR (r.finding_id IS NULL AND f.status = 'open' AND EXISTS (
              SELECT 1 FROM finding_sightings s
              WHERE s.finding_id = f.id AND s.as_of BETWEEN %(start)s AND %(end)s))
  )
ORDER BY f.id;
