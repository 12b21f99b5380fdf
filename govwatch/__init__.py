"""govwatch: inspection of government websites and new-media accounts, on Apache Airflow."""

__version__ = "0.1.0"
