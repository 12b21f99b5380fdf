-- Publication counts of a period (信息公开更新条数明细): per unit, the distinct website items whose publish
-- date falls within the month. Every active unit that runs an active site is listed, with 0 when it
-- published nothing. Params: start, end.
WITH pub AS (
    SELECT COALESCE(i.unit_id, s.unit_id) AS unit_id, count(DISTINCT i.url) AS n
    FROM items i
    LEFT JOIN sites s ON s.id = i.site_id
    WHERE i.target_type = 'column' AND i.pub_date BETWEEN %(start)s AND %(end)s
    GROUP BY 1
)
SELECT u.id AS unit_id, u.name AS unit_name, COALESCE(p.n, 0)::int AS n
FROM units u
LEFT JOIN pub p ON p.unit_id = u.id
WHERE p.n > 0
   OR (u.active AND EXISTS (SELECT 1 FROM sites s WHERE s.unit_id = u.id AND s.active));
