-- First start of the compose PostgreSQL: the application database and the service login.
-- Migrations (run by the `migrate` service as the owner) create role jml_app and its grants;
-- jml_service logs in and inherits them. Change the password for anything but a trial.
CREATE DATABASE jml;
CREATE ROLE jml_app NOLOGIN;
CREATE ROLE jml_service LOGIN PASSWORD 'jml_service' IN ROLE jml_app;
