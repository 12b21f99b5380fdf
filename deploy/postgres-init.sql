-- Two databases on one server: Airflow's metadata and govwatch's findings store (separate owners).
CREATE USER govwatch WITH PASSWORD 'govwatch';
CREATE DATABASE govwatch OWNER govwatch;
