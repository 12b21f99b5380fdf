"""The govwatch UI view inside the Airflow 3 API server (a FastAPI app mounted by govwatch_plugin.py)."""
