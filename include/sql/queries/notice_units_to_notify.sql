-- Units that get a rectification notice for a period: those with open or overdue ledger items found by the
-- end of the period, or with open veto / deduct findings sighted in the period that the ledger does not
-- hold yet. Params: start, end.
SELECT DISTINCT COALESCE(r.unit_id, f.unit_id) AS unit_id
FROM findings f
LEFT JOIN rectifications r ON r.finding_id = f.id
WHERE COALESCE(r.unit_id, f.unit_id) IS NOT NULL
  AND f.severity IN ('veto', 'deduct')
  AND (
      (r.finding_id IS NOT NULL AND r.state IN ('open', 'overdue') AND r.found_on <= %(end)s)
      OR (r.finding_id IS NULL AND f.status = 'open' AND EXISTS (
              SELECT 1 FROM finding_sightings s
              WHERE s.finding_id = f.id AND s.as_of BETWEEN %(start)s AND %(end)s))
  )
ORDER BY 1;
