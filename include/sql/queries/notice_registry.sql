-- The registry a notice counts: active sites and accounts with their region, kind and unit.
SELECT 'site' AS target_type, s.id, s.name, s.region, s.kind, NULL AS platform, s.unit_id,
       COALESCE(u.name, s.unit_id) AS unit_name
FROM sites s LEFT JOIN units u ON u.id = s.unit_id
WHERE s.active
UNION ALL
SELECT 'account', a.id, a.name, a.region, NULL, a.platform, a.unit_id, COALESCE(u.name, a.unit_id)
FROM accounts a LEFT JOIN units u ON u.id = a.unit_id
WHERE a.active
ORDER BY 1, 2;
