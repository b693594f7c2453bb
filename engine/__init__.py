"""The dossier engine: models, unit of work, services, legal clock and calendar."""
