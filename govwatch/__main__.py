from govwatch.cli.main import main

raise SystemExit(main())
