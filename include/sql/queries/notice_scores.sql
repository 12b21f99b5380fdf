-- Scores of a period: for sites and for accounts, the scores of the latest as-of date within the month
-- (the monthly inspection), with the names, regions and units a notice prints.
-- Params: start, end (the month's first and last day).
WITH latest AS (
    SELECT target_type, max(as_of) AS as_of
    FROM scores
    WHERE as_of BETWEEN %(start)s AND %(end)s
    GROUP BY target_type
)
SELECT sc.target_type, sc.target_id, sc.as_of, sc.score::float AS score, sc.vetoed, sc.passed,
       COALESCE(s.name, a.name, sc.target_id) AS name,
       COALESCE(s.region, a.region, '') AS region,
       s.kind AS site_kind, a.platform,
       COALESCE(s.unit_id, a.unit_id) AS unit_id,
       COALESCE(u.name, s.unit_id, a.unit_id, '') AS unit_name
FROM scores sc
JOIN latest l ON l.target_type = sc.target_type AND l.as_of = sc.as_of
LEFT JOIN sites s ON sc.target_type = 'site' AND s.id = sc.target_id
LEFT JOIN accounts a ON sc.target_type = 'account' AND a.id = sc.target_id
LEFT JOIN units u ON u.id = COALESCE(s.unit_id, a.unit_id)
ORDER BY sc.target_type, sc.target_id;
