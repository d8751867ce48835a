"""Administration: access keys, uploads into kb/, the ingest job queue and the audit log."""
