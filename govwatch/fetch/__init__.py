"""Fetching: one asynchronous HTTP client per run (:mod:`govwatch.fetch.client`: ``Fetcher``,
``FetchResult``, ``fetch_all``), encoding detection (:mod:`~govwatch.fetch.encoding`), the private-address
guard (:mod:`~govwatch.fetch.guard`) and a loopback test server (:mod:`~govwatch.fetch.loopback`)."""
