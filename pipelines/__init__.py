"""dukungan: pipelines."""
