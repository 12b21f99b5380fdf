-- Record a rendered document; re-rendering the same (kind, period, unit, format) replaces the row.
INSERT INTO notices (kind, period, unit_id, format, path, sha256)
VALUES (%(kind)s, %(period)s, %(unit_id)s, %(format)s, %(path)s, %(sha256)s)
ON CONFLICT (kind, period, unit_id, format) DO UPDATE SET
    path = EXCLUDED.path,
    sha256 = EXCLUDED.sha256,
    rendered_at = CASE WHEN notices.sha256 IS DISTINCT FROM EXCLUDED.sha256 OR notices.path <> EXCLUDED.path
                       THEN now() ELSE notices.rendered_at END
RETURNING id;
