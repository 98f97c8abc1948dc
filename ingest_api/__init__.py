"""dukungan: ingest_api."""
