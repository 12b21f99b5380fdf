-- Recurring problems of a period (“同类问题多次出现”): findings reopened within the month, and findings
-- opened within the month on a unit where a finding of the same check had been rectified before.
-- Params: start, end.
SELECT DISTINCT f.id, f.check_code, f.unit_id, 'reopened' AS how
FROM finding_events e
JOIN findings f ON f.id = e.finding_id
WHERE e.event = 'reopened' AND e.as_of BETWEEN %(start)s AND %(end)s
  AND f.severity IN ('veto', 'deduct')
UNION
SELECT DISTINCT f.id, f.check_code, f.unit_id, 'again' AS how
FROM finding_events e
JOIN findings f ON f.id = e.finding_id
WHERE e.event = 'opened' AND e.as_of BETWEEN %(start)s AND %(end)s
  AND f.severity IN ('veto', 'deduct')
  AND f.unit_id IS NOT NULL
  AND EXISTS (
      SELECT 1
      FROM finding_events ge
      JOIN findings g ON g.id = ge.finding_id
      WHERE ge.event = 'rectified' AND ge.as_of <= e.as_of
        AND g.id <> f.id AND g.unit_id = f.unit_id AND g.check_code = f.check_code
  )
ORDER BY 1;
