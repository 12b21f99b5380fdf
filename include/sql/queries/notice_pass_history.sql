-- 合格率 by month: for each month from `since` to `end`, the latest scoring date in it and how many targets
-- passed. Params: since, end.
WITH monthly AS (
    SELECT target_type, date_trunc('month', as_of)::date AS month, max(as_of) AS as_of
    FROM scores
    WHERE as_of BETWEEN %(since)s AND %(end)s
    GROUP BY 1, 2
)
SELECT m.target_type, m.month, count(*)::int AS checked,
       (count(*) FILTER (WHERE sc.passed))::int AS passed
FROM monthly m
JOIN scores sc ON sc.target_type = m.target_type AND sc.as_of = m.as_of
GROUP BY m.target_type, m.month
ORDER BY m.month, m.target_type;
