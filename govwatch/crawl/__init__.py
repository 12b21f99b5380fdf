"""The bounded site crawl of the monthly inspection: URL normalisation, trap guards, the crawler and the
link checker (issue #4)."""
